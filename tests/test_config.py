"""brandpulse.yaml validation: every error names the file, the field path and the problem."""

from __future__ import annotations

import os
import re
import subprocess
import sys
import typing
from datetime import date
from pathlib import Path

import pytest
import yaml

from pipeline.config import Config, ConfigError, _members, env_minutes, field_path, load_config, make_folder
from pipeline.config_types import _Strict
from tests.helpers import REPO, write_config

GOOD = {
    "brands": [
        {
            "name": "Acme",
            "aliases": ["Acme", "@acme"],
            "sources": [
                {
                    "type": "file_drop",
                    "name": "listening",
                    "path": "x.csv",
                    "columns": {"native_id": "id", "text": "body", "created_at": "at"},
                }
            ],
        }
    ],
}


def _write(tmp_path, doc) -> str:
    path = tmp_path / "brandpulse.yaml"
    path.write_text(doc if isinstance(doc, str) else yaml.safe_dump(doc), encoding="utf-8")
    return str(path)


def _bad(tmp_path, mutate) -> str:
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    mutate(doc)
    path = _write(tmp_path, doc)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(path), message  # names the file
    return message


def test_good_config_loads_and_resolves_paths(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.brands[0].key == "acme"
    assert cfg.resolve("x.csv") == (tmp_path / "x.csv").resolve()


def test_missing_required_field(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"][0]["columns"].pop("text"))
    assert "brands[0].sources[0].columns.text: Field required" in msg


def test_unknown_field_is_a_typo(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0].update(alises=["x"]))
    assert "brands[0].alises: unknown field" in msg


def test_an_unknown_field_names_the_field_it_is_a_near_miss_of(tmp_path):
    """It said "check the spelling" only: the field meant is named, from the model the key sits in (a file drop's
    fields for a file drop, a quiet hours' for quiet hours), and none where no field is near."""

    def mutate(doc):
        doc["brands"][0]["sources"].append({"type": "reddit", "name": "r", "comment_limt": 3})
        doc.update(alerting={"cooldown_day": 3}, report_directory="r")

    msg = _bad(tmp_path, mutate)
    assert msg.splitlines() == [
        f"{tmp_path / 'brandpulse.yaml'}: brands[0].sources[1].comment_limt: unknown field (did you mean "
        "'comment_limit'? see the README's configuration reference)",
        f"{tmp_path / 'brandpulse.yaml'}: alerting.cooldown_day: unknown field (did you mean 'cooldown_days'? see the "
        "README's configuration reference)",
        f"{tmp_path / 'brandpulse.yaml'}: report_directory: unknown field (did you mean 'report_dir'? see the README's "
        "configuration reference)",
    ]


def test_wrong_type(tmp_path):
    msg = _bad(tmp_path, lambda d: d.update(scoring={"batch_size": "big"}))
    assert "scoring.batch_size:" in msg and "integer" in msg


def test_empty_sources(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0].update(sources=[]))
    assert "brands[0].sources:" in msg and "at least 1" in msg


def test_unknown_source_type(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"][0].update(type="myspace"))
    assert "brands[0].sources[0].type:" in msg and "file_drop" in msg


def test_duplicate_brand(tmp_path):
    msg = _bad(tmp_path, lambda d: d["brands"].append(d["brands"][0]))
    assert "brands:" in msg and "same id 'acme'" in msg


def test_secret_written_in_file_is_refused(tmp_path):
    msg = _bad(tmp_path, lambda d: d.update(alerts=[{"type": "slack", "name": "cx", "webhook_url": "https://hooks"}]))
    assert "alerts[0].webhook_url: secrets must not be written in the config file" in msg
    assert "https://hooks" not in msg  # the secret itself is not echoed


@pytest.mark.parametrize(
    "mutate",
    [  # a hex author key, a Gmail app password: each a valid variable name, shown in full where it was "not set"
        lambda d: d.update(pseudonymisation={"key_env": "c4f1e2d9a8b7c6d5e4f3a2b1c0d9e8f7a6b5c4d3e2f1a0b9"}),
        lambda d: d.update(alerts=[{"type": "email", "name": "cx", "to": ["cx@acme.com"], "sender": "a@acme.com",
                                    "smtp_host": "smtp.gmail.com", "password_env": "abcdwxyzefghmnop"}]),
    ],
)  # fmt: skip
def test_a_secret_pasted_into_an_env_setting_is_refused_without_echoing_it(tmp_path, mutate):
    msg = _bad(tmp_path, mutate)
    assert "_env: secrets must not be written in the config file; this looks like the secret's value" in msg, msg
    assert "c4f1e2d9" not in msg and "abcdwxyz" not in msg
    doc = {**GOOD, "pseudonymisation": {"key_env": "BRANDPULSE_AUTHOR_KEY_2026"}, "alerts": [
        {"type": "slack", "name": "cx", "webhook_url_env": "PARCELO_CX_SLACK_WEBHOOK_URL"}]}  # fmt: skip
    assert load_config(_write(tmp_path, doc)).pseudonymisation.key_env == "BRANDPULSE_AUTHOR_KEY_2026"


@pytest.mark.parametrize("option", ["key", "secret", "token", "account_key", "sas_token"])
def test_a_credential_among_the_staging_stores_options_is_refused(tmp_path, option):
    msg = _bad(tmp_path, lambda d: d.update(staging_dir="s3://b/p", staging_options={option: "AKIA-not-here"}))
    assert f"staging_options.{option}: secrets must not be written in the config file" in msg
    assert "AWS_ACCESS_KEY_ID" in msg and "staging_conn_id" in msg and "AKIA-not-here" not in msg
    doc = {**GOOD, "staging_dir": "s3://b/p", "staging_options": {"endpoint_url": "http://127.0.0.1:9000"}}
    assert load_config(_write(tmp_path, doc)).staging_options == {"endpoint_url": "http://127.0.0.1:9000"}


def test_a_staging_connection_without_its_provider_fails_before_any_client_is_made(tmp_path):
    """With staging_conn_id, the store's filesystem comes from the scheme's Airflow provider; without one
    installed, staging refuses at once (an anonymous client could wait on the cloud's metadata endpoint)."""
    from airflow.sdk.io import has_fs

    from pipeline.storage import staging_root

    assert not has_fs("s3")  # the test environment has no amazon provider
    cfg = load_config(_write(tmp_path, {**GOOD, "staging_dir": "s3://b/p", "staging_conn_id": "aws_default"}))
    with pytest.raises(ConfigError, match=r"staging_conn_id: Airflow has no filesystem for s3://.*providers-amazon"):
        staging_root(cfg)


def test_staging_store_options_need_a_url_and_exclude_a_connection(tmp_path):
    options = {"endpoint_url": "http://127.0.0.1:9000"}
    msg = _bad(tmp_path, lambda d: d.update(staging_dir="s3://b/p", staging_conn_id="aws", staging_options=options))
    assert "staging_options: set either staging_conn_id or staging_options, not both" in msg
    msg = _bad(tmp_path, lambda d: d.update(staging_options=options))  # staging_dir is a folder
    assert "staging_dir: staging_conn_id and staging_options need a URL" in msg


def test_bad_alert_channel_field(tmp_path):
    msg = _bad(
        tmp_path,
        lambda d: d.update(
            alerts=[
                {"type": "email", "name": "cx", "to": ["not-an-address"], "sender": "a@b.c", "smtp_host": "localhost"}
            ]
        ),
    )
    assert "alerts[0].to[0]:" in msg


def test_delivery_deadline_and_step_budget_have_defaults_and_are_checked(tmp_path):
    alerting = load_config(_write(tmp_path, GOOD)).alerting
    assert (alerting.delivery_deadline_s, alerting.step_budget_s) == (20, 120)
    doc = {**GOOD, "alerting": {"delivery_deadline_s": 2.5, "step_budget_s": 30}}
    alerting = load_config(_write(tmp_path, doc)).alerting
    assert (alerting.delivery_deadline_s, alerting.step_budget_s) == (2.5, 30)
    msg = _bad(tmp_path, lambda d: d.update(alerting={"delivery_deadline_s": 0}))
    assert "alerting.delivery_deadline_s: Input should be greater than 0" in msg
    msg = _bad(tmp_path, lambda d: d.update(alerting={"step_budget_s": "two minutes"}))
    assert "alerting.step_budget_s:" in msg and "number" in msg


def test_invalid_yaml_names_line(tmp_path):
    path = _write(tmp_path, "brands:\n  - name: Acme\n    sources: [\n")
    with pytest.raises(ConfigError, match=r"brandpulse.yaml: line \d+, column \d+: invalid YAML"):
        load_config(path)


def test_missing_file(tmp_path):
    with pytest.raises(ConfigError, match="config file not found"):
        load_config(tmp_path / "nope.yaml")


def test_config_path_from_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDPULSE_CONFIG", _write(tmp_path, GOOD))
    assert load_config().brands[0].name == "Acme"


def test_cli_reports_config_error_without_traceback(tmp_path):
    path = _write(tmp_path, {"brands": [{"name": "Acme"}]})
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check-config", "--config", path],
        capture_output=True,
        text=True,
        cwd=REPO,
    )
    assert proc.returncode == 2
    assert f"{path}: brands[0].sources: Field required" in proc.stderr
    assert "Traceback" not in proc.stderr


def test_check_config_names_the_environment_variables_not_set_here(tmp_path):
    """A Slack webhook variable unset on the machine that sends was found by the first alert of a night."""
    doc = {**GOOD, "alerts": [{"type": "slack", "name": "cx", "webhook_url_env": "BP_TEST_HOOK"}]}
    path = _write(tmp_path, doc)
    env = {k: v for k, v in os.environ.items() if k != "BP_TEST_HOOK"} | {"BRANDPULSE_AUTHOR_KEY": "k" * 32}
    run = [sys.executable, "-m", "pipeline.cli", "check-config", "--config", path]
    proc = subprocess.run(run, capture_output=True, text=True, cwd=REPO, env=env)
    assert proc.returncode == 0 and "note: BP_TEST_HOOK (alerts[0].webhook_url_env) is not set" in proc.stdout
    assert "BRANDPULSE_AUTHOR_KEY" not in proc.stdout  # set: not named
    # what the night reads from disk, looked for here: a file drop with no file yet, a model folder without a model
    assert f"note: acme listening: no file matches {tmp_path / 'x.csv'} here (yet)" in proc.stdout
    (tmp_path / "x.csv").write_text("id,body,at\n")
    proc = subprocess.run(run, capture_output=True, text=True, cwd=REPO, env=env | {"BP_TEST_HOOK": "https://h/x"})
    assert proc.returncode == 0 and "note:" not in proc.stdout and "https://h/x" not in proc.stdout
    path = _write(tmp_path, {**doc, "scoring": {"model_dir": str(tmp_path)}})
    proc = subprocess.run([*run[:-1], path], capture_output=True, text=True, cwd=REPO, env=env)
    assert f"note: scoring.model_dir: no model at {tmp_path} here; the score step needs one" in proc.stdout


def test_check_config_names_a_blank_environment_variable_as_not_set(tmp_path):
    """A variable of spaces or a newline (a secret file of nothing) is unset to the night's sends ("environment
    variable BP_TEST_HOOK is not set"), but check-config took it as set and said nothing."""
    from typer.testing import CliRunner

    from pipeline.cli import app

    path = _write(tmp_path, {**GOOD, "alerts": [{"type": "webhook", "name": "ops", "url_env": "BP_TEST_HOOK"}]})
    env = {"BP_TEST_HOOK": " \n", "BRANDPULSE_AUTHOR_KEY": "k" * 32}
    out = CliRunner().invoke(app, ["check-config", "--config", str(path)], env=env)
    assert out.exit_code == 0 and "note: BP_TEST_HOOK (alerts[0].url_env) is not set" in out.output, out.output


def test_check_config_notes_a_file_drop_path_it_cannot_look_at(tmp_path):
    """A path inside a folder this user may not enter (PermissionError) or a name too long for the file system
    was an OS error traceback out of check-config; it is a note, as the night's machine may differ."""
    path = _write(tmp_path, {**GOOD, "brands": [{**GOOD["brands"][0], "sources": [
        {**GOOD["brands"][0]["sources"][0], "path": "x" * 300 + "/a.csv"}]}]})  # fmt: skip
    proc = subprocess.run([sys.executable, "-m", "pipeline.cli", "check-config", "--config", path],
                          capture_output=True, text=True, cwd=REPO)  # fmt: skip
    assert proc.returncode == 0 and "Traceback" not in proc.stderr, proc.stderr
    assert "note: acme listening: cannot look for " in proc.stdout and "File name too long" in proc.stdout


def test_a_path_through_a_symlink_loop_is_a_file_drop_with_no_file_not_a_traceback(tmp_path):
    """A folder in a symlink loop (a -> b -> a) in a relative path: Path.resolve raised "RuntimeError: Symlink
    loop" out of every command that read the config, check-config and the night's tasks alike."""
    (tmp_path / "a").symlink_to("b")
    (tmp_path / "b").symlink_to("a")
    doc = {**GOOD, "staging_dir": "a/staging", "brands": [{**GOOD["brands"][0], "sources": [
        {**GOOD["brands"][0]["sources"][0], "path": "a/x.csv"}]}]}  # fmt: skip
    cfg = load_config(_write(tmp_path, doc))
    assert cfg.resolve("a/x.csv") == tmp_path / "a" / "x.csv"
    with pytest.raises(ConfigError, match=r"staging_dir: cannot create the folder .*symbolic links"):
        make_folder(cfg, "staging_dir", cfg.resolve(cfg.staging_dir))


def test_demo_config_is_valid():
    cfg = load_config(REPO / "demo" / "brandpulse.yaml")
    assert [b.key for b in cfg.brands] == ["parcelo", "brewbird", "novabank", "paczkolot", "zoefiets"]


def test_write_config_helper_round_trips(tmp_path):
    cfg = load_config(write_config(tmp_path, [{"name": 'Acme "Corp"; DROP TABLE x;--', "files": {"a": "a.csv"}}]))
    assert cfg.brands[0].name == 'Acme "Corp"; DROP TABLE x;--'


# -- the YAML itself: bounded, never a traceback (issue #13, point 6) ------------------------------------------

GOOD_TEXT = yaml.safe_dump(GOOD, sort_keys=False)
NEXT = GOOD_TEXT.count("\n") + 1  # the line number of a line added after GOOD_TEXT


def _refused(tmp_path, text: str) -> str:
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as err:
        load_config(path)
    message = str(err.value)
    assert message.startswith(f"{path}: "), message
    return message


def _laughs(levels: int = 9) -> str:
    """The billion-laughs document: each level lists the previous one 9 times (9**levels strings in all)."""
    lines = ['l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"l{i}: &l{i} [{', '.join([f'*l{i - 1}'] * 9)}]" for i in range(1, levels)]
    return GOOD_TEXT + "\n".join(lines) + "\n"


@pytest.mark.parametrize(
    "text",
    [
        pytest.param(_laughs(), id="billion-laughs"),
        pytest.param("brands: " + "[" * 100_000 + "]" * 100_000 + "\n", id="100k-brackets"),
    ],
)
def test_check_config_refuses_yaml_bombs_without_hanging_or_crashing(tmp_path, text):
    path = _write(tmp_path, text)
    proc = subprocess.run(
        [sys.executable, "-m", "pipeline.cli", "check-config", "--config", path],
        capture_output=True,
        text=True,
        cwd=REPO,
        timeout=60,
    )
    assert proc.returncode == 2, proc.stderr[-2000:]
    assert re.search(rf"^brandpulse: {re.escape(path)}: line \d+, column \d+: ", proc.stderr), proc.stderr[-2000:]
    assert "Traceback" not in proc.stderr


def test_aliases_that_expand_past_the_bound_are_refused_with_their_line(tmp_path):
    msg = _refused(tmp_path, _laughs())
    # level 5 (9**5 + ... values) is the first past the bound: refused at its first alias, before any expansion
    assert f": line {NEXT + 5}, column 10: the file holds more than 100,000 values once its aliases" in msg


def test_an_alias_inside_its_own_anchor_is_refused(tmp_path):
    msg = _refused(tmp_path, GOOD_TEXT + "aspects: &a [{name: x, description: *a}]\n")
    assert f"line {NEXT}, column 37: alias *a is used inside its own anchor" in msg


def test_shared_blocks_written_with_anchors_still_load(tmp_path):
    # PyYAML's own dumper writes an anchor and an alias for a value used twice (here: the columns mapping).
    doc = yaml.safe_load(GOOD_TEXT)
    source = doc["brands"][0]["sources"][0]
    doc["brands"][0]["sources"].append({**source, "name": "reviews", "path": "reviews.csv"})
    text = yaml.safe_dump(doc)
    assert "&id001" in text and "*id001" in text
    cfg = load_config(_write(tmp_path, text))
    assert [s.columns.text for s in cfg.brands[0].sources] == ["body", "body"]


@pytest.mark.parametrize(
    "nested", ["[" * 5000 + "]" * 5000, "{a: " * 3000 + "1" + "}" * 3000], ids=["5000-brackets", "3000-mappings"]
)
def test_deep_nesting_is_a_config_error_naming_the_file(tmp_path, nested):
    msg = _refused(tmp_path, f"brands: {nested}\n")
    assert ": line 1, column " in msg and "nested more than 50 levels deep" in msg


def test_nesting_the_config_needs_still_loads(tmp_path):
    doc = yaml.safe_load(GOOD_TEXT)
    doc["brands"][0]["sources"][0]["columns"]["engagement"] = ["likes", "replies"]  # 7 levels deep
    assert load_config(_write(tmp_path, doc)).brands[0].sources[0].columns.engagement == ["likes", "replies"]


def test_a_repeated_top_level_key_names_the_key_and_both_lines(tmp_path):
    msg = _refused(tmp_path, GOOD_TEXT + "report_dir: a\nreport_dir: b\n")
    assert f"line {NEXT + 1}, column 1: duplicate key 'report_dir' (first given at line {NEXT})" in msg


def test_a_repeated_nested_key_is_an_error_not_last_one_wins(tmp_path):
    text = GOOD_TEXT.replace("    name: listening\n", "    name: listening\n    name: reviews\n")
    assert text != GOOD_TEXT
    msg = _refused(tmp_path, text)
    assert "duplicate key 'name' (first given at line" in msg


def test_keys_that_read_as_the_same_value_are_duplicates(tmp_path):
    msg = _refused(tmp_path, GOOD_TEXT + "surveys: {min_responses: 30, min_responses : 40}\n")
    assert "duplicate key 'min_responses'" in msg


@pytest.mark.parametrize(
    "url",
    [
        "https://bob:hunter2@reports.example.com/brandpulse",
        "https://ghp_s3cr3tT0ken@reports.example.com/",
        "  http://bob:hunter2@10.0.0.1:8080",
    ],
)
def test_report_url_with_credentials_is_refused_without_echoing_it(tmp_path, url):
    msg = _bad(tmp_path, lambda d: d.update(alerting={"report_url": url}))
    assert "alerting.report_url: secrets must not be written in the config file" in msg
    assert "user:password@" in msg
    for part in ("bob", "hunter2", "ghp_s3cr3tT0ken", "reports.example.com", "10.0.0.1"):
        assert part not in msg


def test_a_login_in_any_url_is_refused(tmp_path):
    source = {"type": "hackernews", "name": "hn", "base_url": "https://user:pw@hn.example.com"}
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"].append(source))
    assert "brands[0].sources[1].base_url: secrets must not be written" in msg and "pw@" not in msg


def test_a_login_whose_password_holds_a_slash_is_refused_too(tmp_path):
    """An AWS secret key, as often, with a / in it: the login check stopped at the / and the key went through,
    shown in the store's errors ("Invalid bucket name \"akiaexample:wJalr\"")."""
    url = "s3://AKIAEXAMPLE:wJalr/XUtnFEMIK7MDENG@bucket/stage"
    msg = _bad(tmp_path, lambda d: d.update(staging_dir=url))
    assert "staging_dir: secrets must not be written" in msg and "wJalr" not in msg
    for url in ("https://reports.example.com:8443/@brandpulse", "https://reports.example.com/a:b@c"):  # no login
        assert load_config(_write(tmp_path, {**GOOD, "alerting": {"report_url": url}})).alerting.report_url == url
    # an object store has no port: a key starting with / or digits and / is no port either (one AWS key in 50)
    msg = _bad(tmp_path, lambda d: d.update(staging_dir="s3://AKIAEXAMPLE:/wJalrXUtnFEMI@bucket/stage"))
    assert "staging_dir: secrets must not be written" in msg and "wJalr" not in msg
    # abfs://container@account: Airflow's ObjectStoragePath reads "stage" as a connection id and loses the container
    msg = _bad(tmp_path, lambda d: d.update(staging_dir="abfs://stage@account.dfs.core.windows.net/brandpulse"))
    assert "staging_dir: secrets must not be written" in msg


def test_report_url_without_credentials_loads(tmp_path):
    doc = {**GOOD, "alerting": {"report_url": "https://reports.example.com/brandpulse?user=x@y"}}
    assert load_config(_write(tmp_path, doc)).alerting.report_url.startswith("https://reports.example.com/")


@pytest.mark.parametrize("value", [".inf", "-.inf", ".nan", ".NaN", "+.Inf"])
@pytest.mark.parametrize(
    ("field", "where"),
    [
        ("lock_timeout_s: {}", "lock_timeout_s"),
        ("alerting: {{worsen_ratio: {}}}", "alerting.worsen_ratio"),
        ("surveys: {{clv: {{discount_rate: {}}}}}", "surveys.clv.discount_rate"),
    ],
)
def test_non_finite_numbers_are_refused(tmp_path, field, where, value):
    msg = _refused(tmp_path, GOOD_TEXT + field.format(value) + "\n")
    assert f"{where}: Input should be a finite number" in msg


def test_a_date_that_does_not_exist_is_a_config_error_with_its_line(tmp_path):
    msg = _refused(tmp_path, GOOD_TEXT + "report_dir: 2026-02-30\n")
    assert f"line {NEXT}, column 13: unreadable timestamp value (day is out of range for month)" in msg


def test_a_control_character_is_an_error_with_its_line(tmp_path):
    # found by tests/test_fuzz.py: the message was "brandpulse.yaml:: invalid YAML: ...", over two lines
    msg = _refused(tmp_path, GOOD_TEXT + "report_dir: a\x07b\n")
    assert msg.endswith(f": line {NEXT}, column 14: invalid YAML: unacceptable character #x0007: control characters "
                        "are not allowed")  # fmt: skip


def test_a_tab_in_the_indentation_is_named_as_a_tab(tmp_path):
    """libyaml says "found character that cannot start any token" at a tab an editor shows as spaces."""
    msg = _refused(tmp_path, GOOD_TEXT + "alerting:\n\tcooldown_days: 3\n")
    assert msg.endswith(f": line {NEXT + 1}, column 1: invalid YAML: found character that cannot start any token (a "
                        "tab in the indentation: YAML indents with spaces only)")  # fmt: skip


@pytest.mark.parametrize(
    ("channel", "problem"),
    [
        ({"type": "webhook", "name": "ops"}, "nowhere to read the webhook URL from: set url_env or airflow_conn_id"),
        ({"type": "slack", "name": "cx"}, "nowhere to read the Slack secret from"),
        ({"type": "slack", "name": "cx", "webhook_url_env": "HOOK", "bot_token_env": "TOKEN", "channel": "#cx"},
         "bot_token_env posts with the Web API: leave out webhook_url_env"),
    ],
)  # fmt: skip
def test_an_alert_channel_must_say_where_its_secret_comes_from(tmp_path, channel, problem):
    """Before, these passed check-config and failed only when an alert was being delivered."""
    msg = _bad(tmp_path, lambda d: d.update(alerts=[channel]))
    assert "alerts[0]" in msg and problem in msg


@pytest.mark.parametrize(
    ("terms", "problem"),
    [([" "], "at least 1 character"), (["@"], "'@' has no letter or digit"), (["#", "Acme"], "has no letter")],
)
@pytest.mark.parametrize("field", ["aliases", "exclude", "competitors"])
def test_a_search_term_without_a_word_is_refused(tmp_path, field, terms, problem):
    """A term of spaces alone became an empty pattern matching every text; '@' or '#' alone nearly every one."""
    msg = _bad(tmp_path, lambda d: d["brands"][0].update({field: terms}))
    assert f"brands[0].{field}" in msg and problem in msg
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0][field] = ["  Acme Parcel  "]
    assert getattr(load_config(_write(tmp_path, doc)).brands[0], field) == ["Acme Parcel"]


def test_lock_timeout_is_bounded_so_it_cannot_hang_a_night(tmp_path):
    msg = _bad(tmp_path, lambda d: d.update(lock_timeout_s=1e12))
    assert "lock_timeout_s: Input should be less than or equal to 3600" in msg


def test_a_config_path_that_is_a_folder_is_a_config_error(tmp_path):
    with pytest.raises(ConfigError, match=r"cannot read the config file \(Is a directory\)"):
        load_config(tmp_path)


@pytest.mark.parametrize(
    ("mutate", "where", "problem"),
    [
        (lambda d: d["brands"][0].update(timezone="America"), "brands[0].timezone", "'America' is not an IANA"),
        (lambda d: d["brands"][0].update(timezone="Europe/" + "x" * 300), "brands[0].timezone", "is not an IANA"),
        (lambda d: d["brands"][0].update(timezone="posix/Europe/Warsaw"), "brands[0].timezone", "is not an IANA"),
        (lambda d: d["brands"][0].update(timezone="right/UTC"), "brands[0].timezone", "'right/UTC' is not an IANA"),
        (lambda d: d["brands"][0].update(timezone="posixrules"), "brands[0].timezone", "is not an IANA"),
        (lambda d: d["brands"][0].update(timezone="localtime"), "brands[0].timezone", "is not an IANA"),
        (
            lambda d: d.update(surveys={"sources": [{"name": "s", "brand": "acme", "path": "a.csv",
                                                     "preset": "qualtrics", "timezone": "Europe"}]}),
            "surveys.sources[0].timezone",
            "'Europe' is not an IANA",
        ),
        (lambda d: d.update(alerting={"max_age_days": 10**6}), "alerting.max_age_days", "less than or equal to 100000"),
        (
            lambda d: d["brands"][0]["sources"].append({"type": "hackernews", "name": "hn",
                                                        "base_url": "hn.algolia.com"}),
            "brands[0].sources[1].base_url",
            "must be an http:// or https:// URL with a host",
        ),
    ],
)  # fmt: skip
def test_values_that_failed_a_night_later_are_refused_by_the_config(tmp_path, mutate, where, problem):
    """A folder of zones or an over-long name raised OSError from zoneinfo (a traceback, not a config error); a
    zone file that is no zone's name (posix/Europe/Warsaw, localtime) loaded in zoneinfo but is unknown to DuckDB,
    which failed the survey metrics with "Unknown TimeZone"; an alert max age of a million days overflowed the
    date arithmetic of every send; a base URL without a scheme failed its source every night."""
    msg = _bad(tmp_path, mutate)
    assert f"{where}: " in msg and problem in msg


def test_a_timestamp_format_with_the_minute_for_the_month_is_refused(tmp_path):
    """``%d-%M-%Y`` (``%M``, the minute, typed for ``%m``) read a Dutch export's 13-10-2026 as 13 January 00:10:
    every row dated in January, outside the night's window, unsaid. Refused, naming the field; ``%Y-%m`` (a month
    alone) still loads."""
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"][0].update(timestamp_format="%d-%M-%Y"))
    assert "brands[0].sources[0].timestamp_format: '%d-%M-%Y' reads no month" in msg
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["sources"][0]["timestamp_format"] = "%Y-%m"
    load_config(_write(tmp_path, doc))


def test_a_timestamp_format_with_am_pm_and_the_24_hour_clock_is_refused(tmp_path):
    """``%m/%d/%Y %H:%M %p`` read a 12-hour export's ``10/01/2026 2:05 PM`` as 02:05 and ``12:10 AM`` as noon (strptime
    reads ``%p`` only with ``%I``): every afternoon post 12 hours early, unsaid. Refused, naming the field, as is
    ``%I`` without ``%p``; ``%I:%M %p`` and a literal ``%%p`` still load."""
    msg = _bad(tmp_path, _first_source(timestamp_format="%m/%d/%Y %H:%M %p"))
    assert "brands[0].sources[0].timestamp_format: '%m/%d/%Y %H:%M %p' reads AM/PM (%p) without the 12-hour %I" in msg
    assert "12-hour %I without AM/PM" in _bad(tmp_path, _first_source(timestamp_format="%d.%m.%Y %I:%M"))
    for fine in ("%m/%d/%Y %I:%M %p", "%d.%m.%Y %H:%M %%p"):
        doc = yaml.safe_load(yaml.safe_dump(GOOD))
        doc["brands"][0]["sources"][0]["timestamp_format"] = fine
        load_config(_write(tmp_path, doc))


def _first_source(**fields):
    """A config mutation: ``fields`` set on the first brand's first source."""
    return lambda d: d["brands"][0]["sources"][0].update(fields)


@pytest.mark.parametrize(
    ("mutate", "where", "problem"),
    [
        *(
            (_first_source(encoding=name), "brands[0].sources[0].encoding", problem)
            for name, problem in (
                ("cp9999", "'cp9999' is not a text encoding Python knows (e.g. 'utf-8', 'cp1250', 'cp1252')"),
                ("base64", "'base64' is not a text encoding"),
                ("utf-16", "UTF-16 and UTF-32 exports are not read"),
                ("utf-7", "'utf-7' is an escaping scheme, not a file's text encoding"),
                ("unicode_escape", "'unicode_escape' is an escaping scheme"),
            )
        ),
        (_first_source(delimiter="|"), "brands[0].sources[0].delimiter",
         "Input should be 'auto', ',', ';', '\\t' or 'tab'"),
        (
            lambda d: d.update(surveys={"sources": [{"name": "s", "brand": "acme", "path": "a.csv",
                                                     "preset": "qualtrics", "encoding": "polish"}]}),
            "surveys.sources[0].encoding",
            "'polish' is not a text encoding",
        ),
        (
            lambda d: d.update(surveys={"customers": [{"name": "c", "brand": "acme", "path": "c.csv",
                                                       "encoding": "win-1250"}]}),
            "surveys.customers[0].encoding",
            "'win-1250' is not a text encoding",
        ),
    ],
)  # fmt: skip
def test_an_unknown_encoding_or_delimiter_is_a_config_error_naming_the_field(tmp_path, mutate, where, problem):
    msg = _bad(tmp_path, mutate)
    assert f"{where}: " in msg and problem in msg, msg


def test_csv_encoding_and_delimiter_default_to_utf8_and_auto_and_take_tab_for_a_tab(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert (cfg.brands[0].sources[0].encoding, cfg.brands[0].sources[0].delimiter) == ("utf-8", "auto")
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["sources"][0].update(encoding="windows-1250", delimiter="tab")
    doc["surveys"] = {"customers": [{"name": "c", "brand": "acme", "path": "c.csv", "delimiter": ";"}]}
    cfg = load_config(_write(tmp_path, doc))
    assert (cfg.brands[0].sources[0].encoding, cfg.brands[0].sources[0].delimiter) == ("windows-1250", "\t")
    assert (cfg.surveys.customers[0].delimiter, cfg.surveys.customers[0].encoding) == (";", "utf-8")


def test_a_quoted_ces_scale_is_its_number_as_every_quoted_number_and_another_says_5_or_7(tmp_path):
    """``scale: '7'`` (a string in YAML) was "Input should be 5 or 7" to a user who wrote 7, where ``batch_size:
    '64'`` is 64: read as the number; another scale still names the file, the field and the problem."""
    source = {"name": "s", "brand": "acme", "path": "s.csv", "preset": "typeform", "ces": {"scale": "5"}}
    cfg = load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": [source]}}))
    assert cfg.surveys.sources[0].ces.scale == 5
    msg = _bad(tmp_path, lambda d: d.update(surveys={"sources": [{**source, "ces": {"scale": "6"}}]}))
    assert "surveys.sources[0].ces.scale: must be 5 or 7" in msg, msg


_UNKNOWN = "unknown field (check the spelling; see the README's configuration reference)"
_MAIL = {"type": "email", "name": "mail", "to": ["cx@example.com"], "sender": "bp@example.com"}


@pytest.mark.parametrize(
    ("mutate", "where", "problem"),
    [
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "smtp://mail.example.com"}]), "alerts[0].smtp_host",
         "a host name or IP address alone"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "mail.example.com:25"}]), "alerts[0].smtp_host",
         "a host name or IP address alone (smtp.example.com): no scheme, port (that is smtp_port)"),
        (lambda d: d.update(alerting={"report_url": "reports example com"}), "alerting.report_url",
         "must be an http:// or https:// URL with a host"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "m", "to": ["not an address"]}]), "alerts[0].to[0]",
         "must be an e-mail address"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "mail..example.com"}]), "alerts[0].smtp_host",
         "not a host name: a part between dots is empty"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "m", "to": ["cx@exämple.com"]}]), "alerts[0].to[0]",
         "must be an e-mail address in ASCII"),
        (lambda d: d["brands"][0].update(slug="Acme!"), "brands[0].slug", "must be an id of lowercase letters"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "m"}, {**_MAIL, "smtp_host": "n"}]), "alerts[1].name",
         "'mail' is alerts[0]'s name too; channel names must be unique"),
    ],
)  # fmt: skip
def test_a_rule_broken_is_said_in_words_at_its_field(tmp_path, mutate, where, problem):
    """Pydantic said "String should match pattern '^[^@\\s]+@[^@\\s]+$'", a duplicate channel name was at
    "(top level)", and an SMTP host written as a URL passed check-config and failed every send; so did one with an
    empty part (UnicodeError from the look-up) and an address smtplib cannot send (UnicodeEncodeError)."""
    msg = _bad(tmp_path, mutate)
    assert f"{where}: {problem}" in msg and "pattern" not in msg and "Value error" not in msg


def test_an_empty_config_file_says_so(tmp_path):
    with pytest.raises(ConfigError, match=r"brandpulse.yaml: \(top level\): the file holds no settings"):
        load_config(_write(tmp_path, ""))


@pytest.mark.parametrize("field", ["report_dir", "staging_dir"])
def test_an_output_folder_that_is_a_file_is_a_config_error(tmp_path, field):
    """It passed check-config, then the night's first write there was a NotADirectoryError traceback."""
    (tmp_path / "afile").write_text("x")
    msg = _bad(tmp_path, lambda d: d.update({field: str(tmp_path / "afile")}))
    assert f"{field}: {tmp_path / 'afile'} is a file, not a folder" in msg
    msg = _bad(tmp_path, lambda d: d.update({field: str(tmp_path / "afile" / "reports")}))
    assert f"{field}: {tmp_path / 'afile' / 'reports'} lies under {tmp_path / 'afile'}, a file, not a folder" in msg
    assert getattr(load_config(_write(tmp_path, {**GOOD, field: str(tmp_path / "new" / "dir")})), field)


@pytest.mark.parametrize("field", ["report_dir", "staging_dir"])
def test_an_output_folder_this_machine_cannot_look_at_is_left_to_the_step_that_makes_it(tmp_path, field):
    """Looking for a file in the way raised the OS error out of every command that read the config, as a
    traceback: a folder inside one this user may not enter (PermissionError), a name too long for the file system.
    The step that makes the folder names the setting, on the machine that runs the night."""
    folder = tmp_path / ("x" * 300) / "out"
    cfg = load_config(_write(tmp_path, {**GOOD, field: str(folder)}))
    with pytest.raises(ConfigError) as err:
        make_folder(cfg, field, folder)
    assert str(err.value) == f"{cfg.source_file}: {field}: cannot create the folder {folder}: File name too long"


def test_an_object_store_url_as_the_report_dir_is_a_config_error(tmp_path):
    """staging_dir takes s3://...; report_dir does not: s3://bucket/reports passed check-config and the night wrote
    the report into a local folder "s3:" beside the config file, unsaid."""
    msg = _bad(tmp_path, lambda d: d.update(report_dir="s3://acme-bucket/reports"))
    assert "report_dir: must be a local folder, not a URL (only staging_dir takes an object store's URL)" in msg
    assert load_config(_write(tmp_path, {**GOOD, "staging_dir": "s3://acme-bucket/staging"})).staging_dir


def test_a_url_pasted_as_an_airflow_connection_id_is_refused_without_echoing_it(tmp_path):
    hook = "https://hooks.slack.com/services/T0123/B0456/SeCrEtToKeN"
    msg = _bad(tmp_path, lambda d: d.update(alerts=[{"type": "slack", "name": "cx", "airflow_conn_id": hook}]))
    assert "alerts[0].airflow_conn_id: must be an Airflow connection id" in msg
    assert "SeCrEtToKeN" not in msg and "hooks.slack.com" not in msg
    doc = {**GOOD, "alerts": [{"type": "slack", "name": "cx", "airflow_conn_id": "slack_cx-alerts.1"}]}
    assert load_config(_write(tmp_path, doc)).alerts[0].airflow_conn_id == "slack_cx-alerts.1"


def test_a_key_and_value_without_a_space_are_named_by_the_key_without_echoing_the_value(tmp_path):
    """In a flow mapping YAML reads {webhook_url:https://...} as one key: the error printed it, URL and all."""
    line = "alerts: [{type: slack, name: cx, webhook_url:https://hooks.slack.com/services/T0/B0/SeCrEtToKeN}]\n"
    msg = _refused(tmp_path, GOOD_TEXT + line)
    assert msg.endswith(": alerts[0].webhook_url: 'webhook_url:' has no space after the colon, so YAML reads the "
                        "key and its value as one key (write 'webhook_url: value')"), msg  # fmt: skip
    assert "SeCrEtToKeN" not in msg and "hooks.slack.com" not in msg


@pytest.mark.parametrize(("line", "where"), [("report_dir: \"out\\0\"", "report_dir"),
                                             ("scoring: {model_dir: \"m\\x00\"}", "scoring.model_dir")])  # fmt: skip
def test_a_nul_character_in_a_setting_is_a_config_error_naming_the_field(tmp_path, line, where):
    """A path holding YAML's "\\0" raised "ValueError: embedded null byte" out of check-config, a traceback."""
    msg = _refused(tmp_path, GOOD_TEXT + line + "\n")
    assert msg.endswith(f": {where}: holds a NUL character (\\0 or \\x00), which no setting may hold"), msg


def test_the_cli_says_what_is_wrong_with_a_run_id_or_a_missing_file_without_a_traceback(tmp_path):
    """A step given a run id that `prepare` never registered stops (it used to record its step under it, or raise
    RunNotRegistered with a traceback); a missing export or score shard is named, exit 1."""
    from pipeline.ledger import start_run
    from pipeline.warehouse import connect, migrate

    config, db = write_config(tmp_path), tmp_path / "w.duckdb"
    with connect(db) as con:
        migrate(con)
        start_run(con, "r1", date(2026, 10, 1), "cli")

    def cli(*args):
        common = ["--config", str(config)]
        command = [sys.executable, "-m", "pipeline.cli", *map(str, args), *common]
        return subprocess.run(command, capture_output=True, text=True, cwd=REPO, timeout=120)

    extract = ["extract", "--brand", "acme", "--source", "listening", "-d", "2026-10-01"]
    for args in (["detect", "-d", "2026-10-01", "--run-id", "nope"], ["finish", "--run-id", "nope"],
                 [*extract, "--run-id", "nope"]):  # fmt: skip
        proc = cli(*args, "--db", db)
        assert proc.returncode == 2 and "brandpulse: run nope is not registered" in proc.stderr, proc.stderr
        assert "Traceback" not in proc.stderr
    proc = cli(*extract, "--run-id", "r1", "--db", db)
    assert proc.returncode == 1 and "no file matches path 'acme.csv'" in proc.stderr and "Traceback" not in proc.stderr
    # a --date other than the run's night: each step would have worked on that day under r1's name
    other = [*extract[:-1], "2026-10-02"]
    for args in (other, ["load", "-d", "2026-10-02"], ["plan-scores", "-d", "2026-10-02"],
                 ["load-scores", "-d", "2026-10-02"], ["daily-metrics", "-d", "2026-10-02"],
                 ["detect", "-d", "2026-10-02"]):  # fmt: skip
        proc = cli(*args, "--run-id", "r1", "--db", db)
        assert proc.returncode == 2, (args, proc.stderr)
        assert "--date 2026-10-02: run r1 is the night of 2026-10-01" in proc.stderr and "Traceback" not in proc.stderr
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM run_steps").fetchone()[0] == 0  # nothing recorded under r1
    proc = cli("score-shard", "-d", "2026-10-01", "--run-id", "r1", "--shard", "3")
    assert proc.returncode == 1 and "run r1 on 2026-10-01 has no score plan: there is no shard 3" in proc.stderr


def test_messages_name_the_real_problem_and_the_real_field(tmp_path):
    """An unquoted 20:00 (YAML 1.1 reads it as 1200), a nested option in staging_options (four lines with the
    union's member names in the path), a survey source with neither brand nor columns.brand (it said "not both");
    an unquoted App Store id is its digits."""
    quiet = {"type": "webhook", "name": "ops", "url_env": "HOOK", "quiet_hours": {"start": "x", "end": "08:00"}}
    path = Path(_write(tmp_path, {**GOOD, "alerts": [quiet]}))
    path.write_text(path.read_text(encoding="utf-8").replace("start: x", "start: 20:00"), encoding="utf-8")
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert "alerts[0].quiet_hours.start: write the time in quotes ('20:00'): unquoted, YAML reads it as " \
           "the number 1200" in str(err.value)  # fmt: skip
    msg = _bad(tmp_path, lambda d: d.update(staging_dir="s3://b/p", staging_options={"client_kwargs": {"a": 1}}))
    assert msg.count("\n") == 0 and ".str" not in msg
    assert "staging_options.client_kwargs: Input should be a valid string or a valid integer" in msg
    survey = {"name": "s", "path": "a.csv", "preset": "qualtrics"}
    msg = _bad(tmp_path, lambda d: d.update(surveys={"sources": [survey]}))
    assert "or columns.brand: neither is given" in msg
    store = {"type": "app_store", "name": "ios", "app_id": 1480331921}
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["sources"].append(store)
    assert load_config(_write(tmp_path, doc)).brands[0].sources[1].app_id == "1480331921"


def test_quiet_hours_written_as_plain_numbers_are_not_taken_for_a_time_in_base_60(tmp_path):
    """start: 22, end: 7 (hours) or end: 800 (08:00) were told to write '00:22', '00:07' and '13:20': quiet hours
    that held the alerts nearly all day. Only a time written with colons gets the quotes hint; 24:00 is named so."""
    quiet = {"type": "webhook", "name": "ops", "url_env": "HOOK", "quiet_hours": {"start": "x", "end": "y"}}
    path = Path(_write(tmp_path, {**GOOD, "alerts": [quiet]}))
    text = path.read_text(encoding="utf-8")
    for start, end, problems in [
        ("22", "7", ["start: must be a time of day as HH:MM (00:00 to 23:59), got 22", "end: must be a time of day "
                     "as HH:MM (00:00 to 23:59), got 7"]),
        ("20:00", "800", ["start: write the time in quotes ('20:00')", "end: must be a time of day as HH:MM "
                          "(00:00 to 23:59), got 800"]),
        ("8:30", "24:00", ["start: write the time in quotes ('08:30')", "end: must be a time of day as HH:MM "
                           "(00:00 to 23:59), got '24:00'"]),
    ]:  # fmt: skip
        path.write_text(text.replace("start: x", f"start: {start}").replace("end: y", f"end: {end}"), "utf-8")
        with pytest.raises(ConfigError) as err:
            load_config(path)
        for problem in problems:
            assert f"alerts[0].quiet_hours.{problem}" in str(err.value)
    assert "'00:22'" not in str(err.value) and "'13:20'" not in str(err.value)
    text = text.replace("start: x", "start: '10:00'").replace("end: y", "end: '12:00'")
    path.write_text(text + "lock_timeout_s: 1:30\n", encoding="utf-8")
    assert load_config(path).lock_timeout_s == 90  # a number in base 60 is still that number where one is meant


def test_a_word_yaml_reads_as_a_boolean_number_or_date_is_said_to_need_quotes(tmp_path):
    """countries: [no] (Norway) is false to YAML, a survey's sheet: 2024 a number: the error said only "Input
    should be a valid string" of a value that was written as text."""
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["sources"].append({"type": "app_store", "name": "ios", "app_id": "1480331921", "countries": ["@"]})
    survey = {"name": "s", "brand": "acme", "path": "a.xlsx", "sheet": "@@", "preset": "qualtrics"}
    doc["surveys"] = {"sources": [survey]}
    text = yaml.safe_dump(doc).replace("'@'", "no").replace("'@@'", "2024")
    msg = _refused(tmp_path, text)
    assert "brands[0].sources[1].countries[0]: Input should be a valid string: unquoted, YAML reads yes, no, on, " \
           "off, true and false as booleans (this one as false); write the text in quotes ('no')" in msg  # fmt: skip
    assert "surveys.sources[0].sheet: Input should be a valid string: unquoted, YAML reads it as a number" in msg


def test_a_word_yaml_reads_as_a_boolean_is_no_number(tmp_path):
    """comment_limit: no (meant: no limit) was 0, so the source read no comment at all; max_items: yes one item a
    listing, margin: yes a margin of 100 %: pydantic takes a boolean for 0 or 1. A quoted number is still one."""
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["sources"].append({"type": "reddit", "name": "rd", "comment_limit": "@a", "max_items": "@b"})
    doc["surveys"] = {"clv": {"margin": "@c"}}
    text = yaml.safe_dump(doc)
    msg = _refused(tmp_path, text.replace("'@a'", "no").replace("'@b'", "yes").replace("'@c'", "on"))
    said = ": must be a number: unquoted, YAML reads yes, no, on, off, true and false as booleans (this one as "
    assert f"brands[0].sources[1].comment_limit{said}false)" in msg, msg
    assert f"brands[0].sources[1].max_items{said}true)" in msg and f"surveys.clv.margin{said}true)" in msg, msg
    cfg = load_config(_write(tmp_path, text.replace("'@a'", "'5'").replace("'@b'", "2").replace("'@c'", "'0.5'")))
    assert (cfg.brands[0].sources[1].comment_limit, cfg.surveys.clv.margin) == (5, 0.5)


def test_a_key_yaml_reads_as_a_boolean_number_or_nothing_is_named_where_it_is(tmp_path):
    """An 'on:' in a brand was "brands[0][1]: Keys should be strings" (a list index no brand has), a 'null:' at the
    top "None: Keys should be strings"."""
    good = yaml.safe_dump(GOOD)
    msg = _refused(tmp_path, good.replace("  name: Acme", "  name: Acme\n  on: true", 1))
    assert msg.endswith(": brands[0]: the key true is not text: unquoted, YAML reads yes, no, on, off, true and "
                        "false as booleans (this one as true); write the text in quotes ('no')"), msg  # fmt: skip
    msg = _refused(tmp_path, good + "null: x\n")
    assert msg.endswith(": (top level): the key null is not text: unquoted, YAML reads null and ~ as no value; "
                        "write the text in quotes ('null')"), msg  # fmt: skip


def test_a_source_or_channel_without_a_type_is_said_to_need_one(tmp_path):
    """It said "Unable to extract tag using discriminator 'type'"."""
    msg = _bad(tmp_path, lambda d: d.update(alerts=[{"name": "ops", "url_env": "HOOK"}]))
    assert msg.endswith(": alerts[0].type: Field required (the kind of source or channel: see the README's "
                        "configuration reference)"), msg  # fmt: skip
    msg = _bad(tmp_path, lambda d: d["brands"][0]["sources"][0].pop("type"))
    assert msg.endswith(": brands[0].sources[0].type: Field required (the kind of source or channel: see the "
                        "README's configuration reference)"), msg  # fmt: skip


def test_a_brand_id_keeps_accented_letters_and_a_name_without_latin_letters_needs_a_slug(tmp_path):
    """ "Żabka" was the id "abka", and "Пятёрочка" and "百度" both "brand" (refused as the same id, without saying
    that a slug would do)."""
    for name, key in (("Żabka", "zabka"), ("Łódź Kurier", "lodz-kurier"), ("Straße & Co", "strasse-co")):
        doc = yaml.safe_load(yaml.safe_dump(GOOD))
        doc["brands"][0]["name"] = name
        assert load_config(_write(tmp_path, doc)).brands[0].key == key
    msg = _bad(tmp_path, lambda d: d["brands"][0].update(name="Пятёрочка"))
    assert "brands[0]: the name 'Пятёрочка' has no Latin letter or digit" in msg and "set slug" in msg
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0].update(name="Пятёрочка", slug="pyaterochka")
    assert load_config(_write(tmp_path, doc)).brands[0].key == "pyaterochka"


def _holding_abka(db) -> None:
    """A migrated warehouse at ``db`` whose source state holds brand id abka (an earlier version's "Żabka")."""
    from pipeline.ledger import start_run
    from pipeline.warehouse import connect, execute, migrate

    with connect(db) as con:
        migrate(con)
        start_run(con, "old", date(2026, 9, 30), "cli")
        params = {"brand": ["abka"], "source": ["listening"], "state": ["{}"], "watermark": [None]}
        execute(con, "ingest/source_state", {**params, "day": date(2026, 9, 30), "run_id": "old"})


def test_a_brand_whose_id_changed_with_the_accents_rule_is_named_before_a_night_runs(tmp_path):
    """A warehouse an earlier version filled holds "Żabka" as abka: a night would have loaded it afresh as zabka,
    its history, trends and Reddit threads left behind. prepare stops first, with the slug that keeps the id."""
    from pipeline import night
    from pipeline.warehouse import connect

    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["name"] = "Żabka"
    cfg, db = load_config(_write(tmp_path, doc)), tmp_path / "w.duckdb"
    _holding_abka(db)
    with pytest.raises(ConfigError, match=r"brands\[0\] 'Żabka': its id is now 'zabka', and the warehouse holds it as "
                                          r"'abka': set slug: abka to keep that id"):  # fmt: skip
        night.prepare(cfg, db, date(2026, 10, 1), "r1")
    with connect(db, read_only=True) as con:
        assert con.execute("SELECT count(*) FROM pipeline_runs WHERE run_id = 'r1'").fetchone() == (0,)  # unregistered
    doc["brands"][0]["slug"] = "abka"
    assert night.prepare(load_config(_write(tmp_path, doc)), db, date(2026, 10, 1), "r1")[0]["brand"] == "abka"


def test_a_new_accented_brand_whose_earlier_id_is_another_configured_brands_is_not_taken_for_it(tmp_path):
    """A warehouse holds "Abka" (abka); "Żabka" (zabka, abka before the accents rule) is added beside it: abka is
    Abka's history, so the night runs (it stopped every night, asking for slug: abka, which Abka holds)."""
    from pipeline import night

    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"][0]["name"] = "Abka"
    doc["brands"].append({**yaml.safe_load(yaml.safe_dump(doc["brands"][0])), "name": "Żabka"})
    cfg, db = load_config(_write(tmp_path, doc)), tmp_path / "w.duckdb"
    _holding_abka(db)
    jobs = night.prepare(cfg, db, date(2026, 10, 1), "r1")
    assert sorted({j["brand"] for j in jobs}) == ["abka", "zabka"]


def test_int8_on_a_gpu_is_a_config_error(tmp_path):
    msg = _bad(tmp_path, lambda d: d.update(scoring={"precision": "int8", "device": "cuda"}))
    assert "scoring: precision int8 runs in ONNX Runtime on the CPU: set device to cpu or auto" in msg


def test_subreddit_names_are_checked_and_taken_as_praw_takes_them(tmp_path):
    def reddit(**spec):
        return lambda d: d["brands"][0]["sources"].append({"type": "reddit", "name": "reddit", **spec})

    msg = _bad(tmp_path, reddit(subreddits=["r/"]))  # it searched all of Reddit
    assert "brands[0].sources[1].subreddits[0]: 'r/' is not a subreddit name" in msg
    msg = _bad(tmp_path, reddit(brand_subreddits=["parcelo", "r/parcelo help"]))  # PRAW failed at run time
    assert "brands[0].sources[1].brand_subreddits[1]: 'r/parcelo help' is not a subreddit" in msg
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    names = ["r/thenetherlands+Netherlands", "u_some-user", "u_" + "a" * 20, "all-politics-news"]  # PRAW takes
    reddit(subreddits=["/r/Polska/", " de "], brand_subreddits=names)(doc)
    spec = load_config(_write(tmp_path, doc)).brands[0].sources[1]
    assert (spec.subreddits, spec.brand_subreddits) == (["Polska", "de"], [names[0][2:], *names[1:]])


# -- mutation round: behaviour no test pinned before ----------------------------------------------------------


def _error(tmp_path, mutate) -> str:
    """The whole error of the config ``mutate`` makes from GOOD, less the file's name that starts it (one line)."""
    message = _bad(tmp_path, mutate)
    assert message.startswith(f"{tmp_path / 'brandpulse.yaml'}: ") and "\n" not in message, message
    return message.removeprefix(f"{tmp_path / 'brandpulse.yaml'}: ")


def _source(**spec):
    return lambda d: d["brands"][0]["sources"].append({"name": "net", **spec})


def _hn(**spec):
    return _source(type="hackernews", **spec)


def _set(**top):
    return lambda d: d.update(top)


def _surveys(**spec):
    return lambda d: d.update(surveys=spec)


@pytest.mark.parametrize(
    ("setting", "where", "good", "bad", "problem"),
    [
        (lambda v: lambda d: d["brands"][0]["sources"][0].update(lookback_days=v),
         "brands[0].sources[0].lookback_days", 31, 32, "less than or equal to 31"),
        (lambda v: _hn(lookback_days=v), "brands[0].sources[1].lookback_days", 0, -1, "greater than or equal to 0"),
        (lambda v: _hn(retries=v), "brands[0].sources[1].retries", 20, 21, "less than or equal to 20"),
        (lambda v: _source(type="app_store", app_id="12345", max_pages=v), "brands[0].sources[1].max_pages", 10, 11,
         "less than or equal to 10"),
        (lambda v: _set(alerting={"worsen_ratio": v}), "alerting.worsen_ratio", 1.01, 1, "greater than 1"),
        (lambda v: _set(watch={"overlap_minutes": v}), "watch.overlap_minutes", 360, 361,
         "less than or equal to 360"),
        (lambda v: _surveys(cx={"churn_window_days": v}), "surveys.cx.churn_window_days", 7, 6,
         "greater than or equal to 7"),
        (lambda v: _surveys(clv={"margin": v}), "surveys.clv.margin", 1, 0, "greater than 0"),
        (lambda v: _surveys(clv={"discount_rate": v}), "surveys.clv.discount_rate", 0.99, 1, "less than 1"),
        (lambda v: _surveys(clv={"churn_window_months": v}), "surveys.clv.churn_window_months", 24, 25,
         "less than or equal to 24"),
        (lambda v: _surveys(clv={"fixed_monthly_churn": v}), "surveys.clv.fixed_monthly_churn", 0.5, 0,
         "greater than 0"),
    ],
)  # fmt: skip
def test_each_bound_of_a_number_is_where_the_reference_says(tmp_path, setting, where, good, bad, problem):
    """The last value a bound allows loads; the first one past it is refused, naming the field and the bound."""
    assert _error(tmp_path, setting(bad)) == f"{where}: Input should be {problem}"
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    setting(good)(doc)
    load_config(_write(tmp_path, doc))


def test_optional_settings_left_out_take_their_documented_defaults(tmp_path):
    doc = {**GOOD, "alerts": [_MAIL | {"smtp_host": "mail.example.com"}], "surveys": {"sources": [
        {"name": "nps", "brand": "acme", "path": "s.csv", "columns": {"response_id": "id", "timestamp": "at",
                                                                      "nps": "q1"}}],
        "customers": [{"name": "crm", "brand": "acme", "path": "c.csv"}]}}  # fmt: skip
    cfg = load_config(_write(tmp_path, doc))
    mail, alerting, surveys = cfg.alerts[0], cfg.alerting, cfg.surveys
    assert (mail.smtp_port, mail.starttls, mail.quiet_hours) == (587, True, None)
    assert (alerting.cooldown_days, alerting.worsen_ratio, alerting.max_age_days) == (3, 1.5, 3)
    assert cfg.pseudonymisation.key_env == "BRANDPULSE_AUTHOR_KEY" and cfg.lock_timeout_s == 600
    assert (cfg.report_dir, cfg.staging_dir, cfg.staging_options) == ("data/reports", "data/staging", {})
    survey, customers = surveys.sources[0], surveys.customers[0]
    assert (survey.preset, survey.format, survey.ces.scale, survey.ces.lower_is_better) == ("custom", "auto", 7, False)
    assert (survey.timezone, survey.whole_history) == (None, False)
    assert (customers.revenue_period, customers.columns.revenue) == ("month", "monthly_revenue")
    assert (surveys.min_responses, surveys.cx.churn_window_days, surveys.cx.history_days) == (30, 90, 365)
    clv = surveys.clv
    assert (clv.margin, clv.discount_rate, clv.discount_rate_period, clv.retention_source) == (0.3, 0.1, "year",
                                                                                               "observed")  # fmt: skip
    assert clv.monthly_discount_rate == pytest.approx(1.1 ** (1 / 12) - 1)


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d["brands"][0]["sources"].append(d["brands"][0]["sources"][0]),
         "brands[0]: sources[1].name 'listening' is used twice in this brand"),
        (lambda d: d["brands"][0].update(aspects=[{"name": "x", "description": "a"}] * 2),
         "brands[0].aspects: aspect names must be unique; repeated: x"),
        (lambda d: d["brands"][0].update(aspects=[{"name": "refund", "description": "refunds and returns"},
                                                  {"name": "returns", "description": "refunds  and returns"}]),
         "brands[0].aspects: aspects 'refund' and 'returns' have the same description: 'returns' would never be "
         "matched (the first aspect takes every mention); describe each differently"),
        (lambda d: d["brands"][0].update(aspects=[{"name": "  ", "description": "a"}]),
         "brands[0].aspects[0].name: must not be blank (only spaces)"),
        (lambda d: d["brands"][0].update(aspects=[{"name": "other", "description": "-"}]),
         "brands[0].aspects[0].description: '-' has no word; describe the aspect in words (it is matched by meaning)"),
        (_source(type="reddit", subreddits=["u_" + "a" * 21]),
         f"brands[0].sources[1].subreddits[0]: {'u_' + 'a' * 21!r} is not a subreddit name (2-21 letters, digits or _, "
         "as in 'r/Polska' or 'Polska'; a user's u_name; several joined by +; all-pics-funny for all but pics and "
         "funny)"),
        (lambda d: d.update(alerts=[{"type": "webhook", "name": "ops", "url_env": "HOOK",
                                     "quiet_hours": {"start": "24:00", "end": "08:00"}}]),
         "alerts[0].quiet_hours.start: must be a time of day as HH:MM (00:00 to 23:59), got '24:00'"),
        (lambda d: d.update(alerts=[{"type": "slack", "name": "cx", "webhook_url_env": "HOOK", "channel": "#cx"}]),
         "alerts[0]: channel is used only with bot_token_env (an incoming webhook posts to its own channel)"),
        (lambda d: d.update(alerts=[{"type": "slack", "name": "cx", "bot_token_env": "TOKEN"}]),
         "alerts[0]: bot_token_env needs channel (the Slack channel the bot posts in)"),
        (lambda d: d.update(alerts=[{"type": "webhook", "name": "ops", "url": "https://hooks.example.com/T0/SeCrEt"}]),
         "alerts[0].url: secrets must not be written in the config file; name an environment variable with the "
         "matching '*_env' field instead"),
        (lambda d: d.update(watch={"interval_minutes": 45}),
         "watch.interval_minutes: must divide a day into intervals that line up with the hour (15, 20, 30, 60, 120, "
         "180, ...); got 45"),
        (lambda d: d.update(staging_dir="s3://b/p", staging_options={"endpoint_url": "http://h", "token": "t",
                                                                     "secret": "s"}),  # the first in the file
         "staging_options.secret: secrets must not be written in the config file; give the store's credentials through "
         "the environment (AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, an instance role, "
         "GOOGLE_APPLICATION_CREDENTIALS) or an Airflow connection named by staging_conn_id"),
        (lambda d: d["brands"][0].update(alises=["x"]),
         "brands[0].alises: unknown field (did you mean 'aliases'? see the README's configuration reference)"),
        (lambda d: d.update(surveys={"sources": [{"name": "s", "brand": "acme", "path": "a.csv",
                                                  "columns": {"response_id": "id", "nps": "q1"}}]}),
         "surveys.sources[0]: preset custom needs columns.timestamp"),
        (lambda d: d.update(surveys={"sources": [{"name": "s", "brand": "acme", "path": "a.csv", "columns": {
            "response_id": "id", "timestamp": "at", "comment": "q4"}}]}),
         "surveys.sources[0]: preset custom needs at least one of columns.nps, columns.csat, columns.ces"),
        (lambda d: d.update(surveys={"customers": [{"name": "c", "path": "c.csv"}]}),
         "surveys.customers[0]: give either brand (one brand for the whole list) or columns.brand: neither is given"),
        (lambda d: d.update(surveys={"customers": [{"name": "c", "brand": "acme", "path": "c.csv",
                                                    "columns": {"brand": "b"}}]}),
         "surveys.customers[0]: give either brand (one brand for the whole list) or columns.brand: not both"),
        (lambda d: d.update(surveys={"customers": [{"name": "c", "brand": "acme", "path": "c.csv"}] * 2}),
         "surveys: customers: names must be unique; repeated: c"),
        (lambda d: d.update(surveys={"clv": {"retention_source": "fixed"}}),
         "surveys.clv: retention_source fixed needs fixed_monthly_churn (e.g. 0.03 for 3 % a month)"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "m"}, {**_MAIL, "smtp_host": "n"}]),
         "alerts[1].name: 'mail' is alerts[0]'s name too; channel names must be unique (deliveries are recorded by "
         "name)"),
        (lambda d: d.update(staging_options={"endpoint_url": "http://h"}),
         "staging_dir: staging_conn_id and staging_options need a URL here (s3://bucket/prefix)"),
        (lambda d: d["brands"].extend([{**d["brands"][0], "name": "Parcelo"}, {**d["brands"][0], "name": "ACME"}]),
         "brands: brands[2] 'ACME' has the same id 'acme' as brands[0]"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "bob@mail.example.com"}]),
         "alerts[0].smtp_host: a host name or IP address alone (smtp.example.com): no scheme, port (that is "
         "smtp_port), path or login"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "m", "password_env": "1PASSWORD"}]),
         "alerts[0].password_env: must be the name of an environment variable (letters, digits and _, not starting "
         "with a digit), not its value"),
        (lambda d: d.update(alerts=[{"type": "webhook", "name": "ops", "url_env": "HOOK", "api_key": "k"}]),
         "alerts[0].api_key: secrets must not be written in the config file; name an environment variable with the "
         "matching '*_env' field instead"),
        (lambda d: d.update(alerts=[{"type": "slack", "name": "cx", "airflow_conn_id": "slack", "bot_token_env": "T",
                                     "channel": "#cx"}]),
         "alerts[0]: bot_token_env posts with the Web API: leave out webhook_url_env and airflow_conn_id (one or the "
         "other)"),
        # a key spelled like a channel or source type, or a scalar type, keeps its place in the path
        (lambda d: d.update(surveys={"sources": [{"name": "s", "brand": "acme", "path": "a.csv", "columns": {
            "response_id": "id", "timestamp": "at", "nps": "q1", "email": "mail"}}]}),
         f"surveys.sources[0].columns.email: {_UNKNOWN}"),
        (lambda d: d.update(slack={"x": 1}), f"slack: {_UNKNOWN}"),
        (lambda d: d["brands"][0].update(reddit={"subreddits": ["x"]}), f"brands[0].reddit: {_UNKNOWN}"),
        (lambda d: d.update(alerts=[{**_MAIL, "smtp_host": "m", "email": "cx@example.com"}]),
         f"alerts[0].email: {_UNKNOWN}"),
        (_source(type="reddit", subreddits=["Polska"], int=1), f"brands[0].sources[1].int: {_UNKNOWN}"),
        (lambda d: d.update(source_file="/etc/passwd"), f"source_file: {_UNKNOWN}"),  # the loader's own, not a file's
        # a webhook URL pasted into the channel's type: pydantic's message repeated it
        (lambda d: d.update(alerts=[{"type": "https://hooks.slack.com/services/T0/B0/SeCrEt", "name": "a"}]),
         "alerts[0].type: must be one of 'slack', 'webhook', 'email'"),
    ],
)  # fmt: skip
def test_each_rule_of_the_config_is_one_line_naming_its_field_and_problem(tmp_path, mutate, problem):
    assert _error(tmp_path, mutate) == problem


def test_the_config_given_wins_over_brandpulse_config_in_the_environment(tmp_path, monkeypatch):
    monkeypatch.setenv("BRANDPULSE_CONFIG", str(tmp_path / "elsewhere.yaml"))  # no such file
    assert load_config(_write(tmp_path, GOOD)).brands[0].name == "Acme"


def test_nesting_is_refused_from_the_51st_level_and_not_before(tmp_path):
    msg = _refused(tmp_path, "brands: " + "[" * 49 + "]" * 49 + "\n")  # 50 levels with the top mapping
    assert "nested" not in msg and "brands[0]: Input should be a valid dictionary" in msg
    msg = _refused(tmp_path, "brands: " + "[" * 50 + "]" * 50 + "\n")
    assert msg.endswith(": line 1, column 58: nested more than 50 levels deep")


def _values(node) -> int:
    """The values in a composed YAML node (keys included), as the loader counts them (no aliases here)."""
    if isinstance(node, yaml.ScalarNode):
        return 1
    children = node.value if isinstance(node, yaml.SequenceNode) else [n for pair in node.value for n in pair]
    return 1 + sum(map(_values, children))


def test_a_file_of_exactly_the_bound_of_values_is_read_and_one_more_is_refused(tmp_path):
    head = GOOD_TEXT + "padding: ["
    pad = 100_000 - _values(yaml.compose(head + "]\n"))
    msg = _refused(tmp_path, head + "1, " * pad + "]\n")
    assert msg.endswith(": padding: unknown field (check the spelling; see the README's configuration reference)")
    msg = _refused(tmp_path, head + "1, " * (pad + 1) + "]\n")
    assert "the file holds more than 100,000 values once its aliases are expanded" in msg


def test_a_merge_key_shares_a_block_and_overrides_part_of_it(tmp_path):
    text = GOOD_TEXT.replace("    columns:\n", "    columns: &cols\n")
    text += "  - {type: file_drop, name: reviews, path: r.csv, columns: {<<: *cols, text: review}}\n"
    cfg = load_config(_write(tmp_path, text))
    assert [(s.columns.native_id, s.columns.text) for s in cfg.brands[0].sources] == [("id", "body"), ("id", "review")]


def test_field_path_words_keys_and_indexes_and_names_the_top_level():
    assert field_path(("brands", 1, "sources", 0, "path")) == "brands[1].sources[0].path"
    assert field_path(()) == "(top level)"


def test_a_file_that_is_not_a_mapping_or_not_utf8_says_so(tmp_path):
    msg = _refused(tmp_path, "- Acme\n- Parcelo\n")
    assert msg.endswith(": (top level): expected a mapping with a 'brands' list, got list")
    path = tmp_path / "latin1.yaml"
    path.write_bytes(GOOD_TEXT.replace("Acme", "Ac\xe9me", 1).encode("latin-1"))
    with pytest.raises(ConfigError) as err:
        load_config(path)
    assert str(err.value) == f"{path}: not UTF-8 text (invalid continuation byte at byte 18)"


def test_an_smtp_host_may_be_an_ipv6_address_and_is_taken_without_its_spaces(tmp_path):
    for host, taken in (("::1", "::1"), ("2001:db8::25", "2001:db8::25"), ("  mail.example.com ", "mail.example.com")):
        doc = {**GOOD, "alerts": [{**_MAIL, "smtp_host": host}]}
        assert load_config(_write(tmp_path, doc)).alerts[0].smtp_host == taken


def test_int8_scoring_is_refused_only_on_cuda(tmp_path):
    for device in ("auto", "cpu"):
        doc = {**GOOD, "scoring": {"precision": "int8", "device": device}}
        assert load_config(_write(tmp_path, doc)).scoring.device == device


@pytest.mark.parametrize("minutes", [15, 20, 30, 60, 120, 180, 240, 360, 480, 720, 1440])
def test_every_watch_interval_that_lines_up_with_the_hour_loads(tmp_path, minutes):
    assert load_config(_write(tmp_path, {**GOOD, "watch": {"interval_minutes": minutes}})).watch.interval_minutes == (
        minutes
    )


def test_minutes_from_the_environment_are_whole_and_at_least_the_least(monkeypatch):
    monkeypatch.delenv("BP_TEST_MINUTES", raising=False)
    assert env_minutes("BP_TEST_MINUTES", 240, least=1) == 240
    for blank in ("", " "):  # a .env template's `BP_TEST_MINUTES=`: unset, as every variable is (env_value), not
        monkeypatch.setenv("BP_TEST_MINUTES", blank)  # a DAG file that fails to load
        assert env_minutes("BP_TEST_MINUTES", 240, least=1) == 240
    monkeypatch.setenv("BP_TEST_MINUTES", "1")
    assert env_minutes("BP_TEST_MINUTES", 240, least=1) == 1
    monkeypatch.setenv("BP_TEST_MINUTES", "0")
    assert env_minutes("BP_TEST_MINUTES", 240) == 0
    with pytest.raises(ValueError) as err:
        env_minutes("BP_TEST_MINUTES", 240, least=1)
    assert str(err.value) == "BP_TEST_MINUTES: '0' is not a whole number of minutes, 1 or more"
    monkeypatch.setenv("BP_TEST_MINUTES", "1.5")
    with pytest.raises(ValueError) as err:
        env_minutes("BP_TEST_MINUTES", 240)
    assert str(err.value) == "BP_TEST_MINUTES: '1.5' is not a whole number of minutes"
    monkeypatch.setenv("BP_TEST_MINUTES", "²")  # a digit to str.isdigit, but no number to int()
    with pytest.raises(ValueError) as err:
        env_minutes("BP_TEST_MINUTES", 240)
    assert str(err.value) == "BP_TEST_MINUTES: '²' is not a whole number of minutes"


def test_brand_ids_are_at_most_63_long_and_the_earlier_id_is_the_ascii_letters_of_the_name(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    doc["brands"] = [{**doc["brands"][0], "name": name} for name in ("A" * 70, "Acme Parcel", "Żółć")]
    doc["brands"][1]["sources"] = doc["brands"][2]["sources"] = doc["brands"][0]["sources"]
    brands = load_config(_write(tmp_path, doc)).brands
    assert [(b.key, b.earlier_key) for b in brands] == [("a" * 63, "a" * 63), ("acme-parcel", "acme-parcel"),
                                                        ("zolc", "brand")]  # fmt: skip


def test_a_brand_with_its_own_aspects_uses_them_and_the_others_the_top_level_ones(tmp_path):
    doc = yaml.safe_load(yaml.safe_dump(GOOD))
    own = {**doc["brands"][0], "name": "Parcelo", "aspects": [{"name": "lockers", "description": "parcel lockers"}]}
    doc["brands"].append(own)
    doc["aspects"] = [{"name": "app", "description": "the app"}]
    cfg = load_config(_write(tmp_path, doc))
    assert [cfg.aspects_of(b) for b in cfg.brands] == [{"app": "the app"}, {"lockers": "parcel lockers"}]


def test_a_model_dir_not_beside_the_config_is_the_repositorys(tmp_path):
    cfg = load_config(_write(tmp_path, GOOD))
    assert cfg.model_dir == REPO / "models" / "brandpulse-sentiment"
    (tmp_path / "models" / "brandpulse-sentiment").mkdir(parents=True)
    assert load_config(_write(tmp_path, GOOD)).model_dir == tmp_path / "models" / "brandpulse-sentiment"


def test_a_customer_lists_column_is_explicit_only_when_set_even_to_its_default_name(tmp_path):
    customers = {"name": "crm", "brand": "acme", "path": "c.csv", "columns": {"segment": "segment"}}
    spec = load_config(_write(tmp_path, {**GOOD, "surveys": {"customers": [customers]}})).surveys.customers[0]
    assert (spec.explicit("segment"), spec.explicit("revenue")) == (True, False)
    assert (spec.columns.segment, spec.columns.revenue) == ("segment", "monthly_revenue")


def test_an_unknown_survey_brand_is_named_with_the_configured_ids_in_order(tmp_path):
    brands = [{**GOOD["brands"][0], "name": name} for name in ("Acme", "Zeta", "Beta", "Mu")]
    doc = {**GOOD, "brands": brands, "surveys": {"customers": [{"name": "c", "brand": "nope", "path": "c.csv"}]}}
    msg = _refused(tmp_path, yaml.safe_dump(doc))
    assert msg.endswith("surveys.customers[0].brand: 'nope' is not a configured brand id (known: acme, beta, mu, zeta)")


@pytest.mark.parametrize(
    ("mutate", "problem"),
    [
        (lambda d: d.update(surveys={"sources": [{"name": "s", "brand": "nope", "path": "a", "preset": "typeform"}]}),
         "surveys.sources[0].brand: 'nope' is not a configured brand id (known: acme)"),
        (lambda d: d.update(alerts=[{"type": "webhook", "name": "ops", "url_env": "HOOK",
                                     "quiet_hours": {"start": "01:00", "end": "05:00"}}]),
         "alerts[0].quiet_hours: 01:00-05:00 UTC cover the nightly run's sends (about 02:00-04:00 UTC), and "
         "watch.enabled is false: nothing would send the held alerts when the hours end. Enable the watch (its runs "
         "send the digest when they end), or end the quiet hours before 02:00 UTC"),
    ],
)  # fmt: skip
def test_a_check_across_sections_names_its_field_not_the_top_level(tmp_path, mutate, problem):
    """Each error starts with the field it is about; these two said "(top level): surveys.sources[0].brand ..."."""
    assert _error(tmp_path, mutate) == problem


def test_quiet_hours_over_the_nights_summer_sends_alone_need_the_watch_too(tmp_path):
    """05:00-06:00 in Warsaw misses the night's sends in winter (03:30 and 04:30 CET) but holds the 03:30 UTC send
    in summer (05:30 CEST): without the watch, half the year's alerts would be held for good."""
    quiet = {"start": "05:00", "end": "06:00", "timezone": "Europe/Warsaw"}
    msg = _bad(
        tmp_path, lambda d: d.update(alerts=[{"type": "webhook", "name": "ops", "url_env": "H", "quiet_hours": quiet}])
    )
    assert "alerts[0].quiet_hours: 05:00-06:00 Europe/Warsaw cover the nightly run's sends" in msg
    # any minute of the sends' two hours: 05:31-05:59 in summer is 03:31-03:59 UTC (two samples, 02:30 and 03:30
    # UTC, let 02:35-03:25 UTC through), while 06:00-07:00 begins as they end (04:00 UTC)
    for start, end in (("05:31", "05:59"), ("04:35", "05:25")):
        alert = {"type": "webhook", "name": "ops", "url_env": "H", "quiet_hours": {**quiet, "start": start, "end": end}}
        assert "cover the nightly run's sends" in _bad(tmp_path, lambda d, a=alert: d.update(alerts=[a]))
    doc = {
        **GOOD,
        "alerts": [
            {
                "type": "webhook",
                "name": "ops",
                "url_env": "H",
                "quiet_hours": {**quiet, "start": "06:00", "end": "07:00"},
            }
        ],
    }
    assert load_config(_write(tmp_path, doc)).alerts[0].quiet_hours.start == "06:00"


# The README's inline config examples (`key: value`, `section.key: value`), each put where it belongs in the demo's
# config: by its first key, else a top-level field of that name. A new example of another key fails the test below
# until it is given a place here or named as no config setting.
_README_EXAMPLE_HOMES = {
    "slug": ("brands", -1),  # the last brand: the survey sources name the first ones by id
    "sensitivity": ("brands", 0),
    "encoding": ("brands", 0, "sources", 0),  # the demo's first source is a file drop
    "delimiter": ("brands", 0, "sources", 0),
    "lookback_days": ("brands", 0, "sources", 0),
    "quiet_hours": ("alerts", 0),
    "except_critical": ("alerts", 0, "quiet_hours"),
    "whole_history": ("surveys", "sources", 0),
    "device": ("scoring",),
}
# keys of the model's brandpulse.json, of a DAG run's conf and of an alert's payload; and placeholders of the prose
_README_NOT_CONFIG = {"aspect_encoder", "aspect_layer", "text.emoji_names", "draw_report", "schema", "status"}
_README_PLACEHOLDERS = {"sensitivity: low | normal | high", "staging_dir: s3://..."}


def _readme_config_examples() -> list[str]:
    text = (REPO / "README.md").read_text(encoding="utf-8")
    found = sorted(set(re.findall(r"`([a-z_][a-z_.]*: [^`\n]+)`", text)))
    return [e for e in found if e.split(":")[0] not in _README_NOT_CONFIG and e not in _README_PLACEHOLDERS]


@pytest.mark.parametrize("example", _readme_config_examples())
def test_each_inline_config_example_of_the_readme_loads_and_means_what_it_says(tmp_path, example):
    doc = yaml.safe_load((REPO / "demo" / "brandpulse.yaml").read_text(encoding="utf-8"))
    doc["alerts"][0]["quiet_hours"] = {"start": "20:00", "end": "08:00"}  # for an example of its fields
    dotted, value = example.split(": ", 1)
    *sections, key = dotted.split(".")
    assert dotted in _README_EXAMPLE_HOMES or dotted.split(".")[0] in Config.model_fields, f"where does {example} go?"
    home = _README_EXAMPLE_HOMES.get(dotted, tuple(sections))
    node = doc
    for step in home:
        node = node.setdefault(step, {}) if isinstance(step, str) else node[step]
    node[key] = yaml.safe_load(value)
    parsed = load_config(_write(tmp_path, doc))
    for step in home:
        parsed = getattr(parsed, step) if isinstance(step, str) else parsed[step]
    got, want = getattr(parsed, key), yaml.safe_load(value)
    if isinstance(want, dict):
        got = got.model_dump(include=set(want))
    assert got == want


def test_every_config_field_is_named_in_the_readmes_configuration_reference():
    """A field added to a model but not to the reference is a setting nobody knows of, and the errors send the
    reader there ("see the README's configuration reference"): each field of every model the file may hold
    (sources and channels of each type, surveys, customers) is named in a `code span` of that section."""
    text = (REPO / "README.md").read_text(encoding="utf-8")
    reference = text.split("## Configuration reference", 1)[1].split("\n### Environment", 1)[0]
    named = {word for span in re.findall(r"`([^`\n]+)`", reference) for word in re.findall(r"\w+", span)}
    undocumented, models, seen = [], [(Config, "")], set()
    while models:
        model, where = models.pop()
        for name, field in model.model_fields.items():
            if name == "source_file":  # set by the loader, refused in the file
                continue
            if name not in named:
                undocumented.append(f"{where}{name} ({model.__name__})")
            members = _members(field.annotation)
            members += [m for t in members if typing.get_origin(t) is list for m in _members(typing.get_args(t)[0])]
            for sub in members:
                if isinstance(sub, type) and issubclass(sub, _Strict) and sub not in seen:
                    seen.add(sub)
                    models.append((sub, f"{where}{name}."))
    assert len(seen) >= 20, sorted(m.__name__ for m in seen)  # the walk reached the nested models
    assert not undocumented, undocumented


def test_two_sources_reading_one_file_are_refused_unless_each_reads_its_own_part(tmp_path):
    """Two survey sources (or two file drops) whose paths are one file under two spellings imported each row twice:
    a survey's answers counted twice in NPS, CSAT and CES (the import only warned, after). Refused, naming both
    fields and the file; other sheets of one workbook, or file drops keeping platforms none in common, are not."""
    (tmp_path / "exports").mkdir()
    drop = GOOD["brands"][0]["sources"][0]
    survey = {"name": "nps", "brand": "acme", "path": "exports/q.csv", "preset": "qualtrics"}
    copy = {**survey, "name": "nps-copy", "path": "./exports/../exports/q.csv"}
    with pytest.raises(ConfigError) as err:
        load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": [survey, copy]}}))
    assert str(err.value) == (
        f"{tmp_path / 'brandpulse.yaml'}: surveys.sources[1].path: './exports/../exports/q.csv' is the same file as "
        f"surveys.sources[0].path ({tmp_path / 'exports' / 'q.csv'}): each of its rows would be imported twice and "
        "counted once per source; remove one of the two, or map each its own score and comment columns (for a "
        "workbook, give each its own sheet)"
    )
    book = [{**s, "path": "exports/q.xlsx", "sheet": n} for s, n in ((survey, "NPS"), (copy, "CSAT"))]
    assert load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": book}})).surveys.sources[1].sheet == "CSAT"
    twice = {**drop, "name": "listening-2", "path": str(tmp_path / "x.csv")}
    brand = GOOD["brands"][0]
    with pytest.raises(ConfigError, match=r"brands\[0\]\.sources\[1\]\.path: .* as brands\[0\]\.sources\[0\]\.path"):
        load_config(_write(tmp_path, {"brands": [{**brand, "sources": [drop, twice]}]}))
    split = [{**drop, "platforms": ["Twitter"]}, {**twice, "platforms": ["instagram"]}]
    assert len(load_config(_write(tmp_path, {"brands": [{**brand, "sources": split}]})).brands[0].sources) == 2


def test_two_survey_sources_of_one_file_each_reading_its_own_score_columns_are_allowed(tmp_path):
    """One survey asking about the app and the shop, each one's NPS its own column, read by a source each: each
    answer is read once. The check of one file under two sources refused it (its message and the README said sources
    mapping other columns stay allowed); sources sharing a score column are still refused."""
    custom = {"path": "exports/brands.csv", "columns": {"response_id": "ResponseId", "timestamp": "EndDate"}}
    app = {**custom, "name": "app-nps", "brand": "acme", "columns": {**custom["columns"], "nps": "Q1_app"}}
    shop = {**custom, "name": "shop-nps", "brand": "acme", "columns": {**custom["columns"], "nps": "Q2_shop"}}
    cfg = load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": [app, shop]}}))
    assert [s.columns.nps for s in cfg.surveys.sources] == ["Q1_app", "Q2_shop"]
    both = {**shop, "columns": {**shop["columns"], "nps": "Q1_app"}}
    with pytest.raises(ConfigError, match=r"surveys\.sources\[1\]\.path: .* same file as surveys\.sources\[0\]"):
        load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": [app, both]}}))


def test_a_number_with_a_leading_zero_that_yaml_reads_as_octal_is_refused_with_its_line(tmp_path):
    """YAML 1.1 reads 0465 as octal: smtp_port: 0465 was port 309, app_id: 01234567 the App Store id 342391."""
    msg = _refused(tmp_path, GOOD_TEXT + "scoring: {batch_size: 0100}\n")
    assert msg.endswith(f": line {NEXT}, column 23: a number with a leading zero, which YAML reads as octal (0465 is "
                        "309): write the number without the leading zero, or in quotes if it is text"), msg  # fmt: skip
    assert load_config(_write(tmp_path, GOOD_TEXT + "scoring: {batch_size: 07}\n")).scoring.batch_size == 7


def test_a_secret_with_a_leading_zero_is_refused_without_echoing_it(tmp_path):
    """A numeric SMTP password written in the file (01234567) was refused as octal before the secrets check, with
    the value and its octal reading in the message: echoed to the terminal and the task logs."""
    channel = "alerts:\n  - {type: email, name: e, to: [a@b.c], sender: a@b.c, smtp_host: h, password: 01234567}\n"
    msg = _refused(tmp_path, GOOD_TEXT + channel)
    assert "leading zero" in msg and "01234567" not in msg and "342391" not in msg, msg


def test_a_windows_path_in_double_quotes_is_refused_not_read_with_its_escapes(tmp_path):
    """A double-quoted "C:\\temp\\new" is C:, a tab, emp, a newline, ew to YAML: it loaded, and the night
    wrote into that folder."""
    msg = _refused(tmp_path, GOOD_TEXT + 'scoring: {model_dir: "D:\\exports\\brand"}\n')
    assert msg.endswith(": scoring.model_dir: holds a control character, from a backslash escape in double quotes "
                        "(\\t, \\n, \\b in \"C:\\temp\\new\"): write a Windows path in single quotes "
                        "('C:\\temp\\new') or with / (C:/temp/new)"), msg  # fmt: skip
    assert load_config(_write(tmp_path, GOOD_TEXT + "report_dir: 'C:\\temp\\new'\n")).report_dir == "C:\\temp\\new"


@pytest.mark.parametrize(("line", "where"), [("report_dir: ${REPORT_DIR}/x", "report_dir"),
                                             ("staging_dir: ~/staging", "staging_dir"),
                                             ("alerts: [{type: slack, name: s, bot_token_env: T, channel: '${C}'}]",
                                              "alerts[0].channel"),
                                             ("alerts: [{type: slack, name: s, webhook_url_env: '${SLACK_URL}'}]",
                                              "alerts[0].webhook_url_env")])  # fmt: skip
def test_an_environment_variable_or_tilde_written_in_the_file_is_refused_not_taken_as_text(tmp_path, line, where):
    """Nothing in the file is expanded: ${REPORT_DIR}/x loaded, and the night wrote into a folder named so. An
    *_env setting is told to name its variable, not to "write the value itself" (a secret, in the file)."""
    msg = _refused(tmp_path, GOOD_TEXT + line + "\n")
    instead = (
        "write the variable's name alone (SLACK_WEBHOOK_URL, not ${SLACK_WEBHOOK_URL})"
        if where.endswith("_env") else "write the value itself"
    )  # fmt: skip
    assert msg.endswith(f": {where}: environment variables and ~ are not expanded in the config file (the text "
                        f"would be taken as it stands); {instead}"), msg  # fmt: skip


def test_a_column_header_holding_qualtrics_piped_text_is_not_taken_for_an_environment_variable(tmp_path):
    """Qualtrics' question-text row holds a question's piped text as written ("${e://Field/Brand}"): the header is
    the export's own text, mapped exactly as it stands."""
    question = "How likely are you to recommend ${e://Field/Brand} to a friend?"
    survey = {"name": "nps", "brand": "acme", "path": "nps.csv", "preset": "qualtrics", "columns": {"nps": question}}
    config = load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": [survey]}}))
    assert config.surveys.sources[0].columns.nps == question


def test_a_preset_whose_pattern_takes_the_column_another_source_maps_of_one_file_is_refused(tmp_path):
    """Typeform's preset finds the NPS by its pattern (recommend): beside a source of the same export mapping
    "How likely are you to recommend Acme?" it reads that column too, each answer counted twice. The check compared
    the exact header with the pattern as two strings and let both through."""
    mapped = {"name": "tf-mapped", "brand": "acme", "path": "exports/tf.csv"}
    nps = "How likely are you to recommend Acme?"
    mapped["columns"] = {"response_id": "#", "timestamp": "Submitted At", "nps": nps}
    preset = {"name": "tf-preset", "brand": "acme", "path": "exports/tf.csv", "preset": "typeform"}
    with pytest.raises(ConfigError, match=r"surveys\.sources\[1\]\.path: .* same file as surveys\.sources\[0\]"):
        load_config(_write(tmp_path, {**GOOD, "surveys": {"sources": [mapped, preset]}}))
