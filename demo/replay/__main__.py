"""``python -m demo.replay [--port N]``: serve the bundled sample over the Reddit, Hacker News, App Store and
Google Play APIs on 127.0.0.1, for trying single nights by hand (a development tool, not part of the product).

Prints the environment variables that point brandpulse's sources at it; runs until Ctrl-C.
"""

from __future__ import annotations

import argparse
import shlex
import time

from demo.replay import sample
from demo.replay.server import ReplayServer


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(prog="python -m demo.replay", description=__doc__.split("\n\n")[0])
    parser.add_argument("--port", type=int, default=0, help="port on 127.0.0.1 (0: any free port)")
    args = parser.parse_args(argv)
    server = sample.start(ReplayServer(port=args.port))
    sample.capture_alerts(server)  # the stand-in Slack and webhook receivers the printed variables point at
    print(f"Replay server on {server.url}. In another shell:")
    for key, value in sample.environment(server).items():
        print(f"  export {key}={shlex.quote(value)}")  # pasted into a shell: the user agent has a space and ()
    try:
        while True:
            time.sleep(3600)
    except KeyboardInterrupt:
        server.stop()


if __name__ == "__main__":
    main()
