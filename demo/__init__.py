"""The demo, beside the product (the ``pipeline`` package never imports it; the wheel does not ship it).

- :mod:`demo.run` (``python -m demo``, ``make demo``): the nightly DAG over the bundled sample;
- ``brandpulse.yaml``: the demo's config, the worked example of the configuration reference;
- ``sample/``: the committed sample data, three fictional brands (regenerate with :mod:`demo.generate_sample`
  and :mod:`demo.generate_surveys`, from the phrase banks :mod:`demo.phrases` and :mod:`demo.brand_phrases`);
- :mod:`demo.replay`: local servers that speak the sources' APIs, shared by the demo and the tests.
"""
