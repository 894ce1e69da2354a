"""The command line as a new user meets it: every mistake is one line on stderr and a documented exit code.

Exit codes are those of the README and the :mod:`analysis.cli` docstring: ``fetch`` 0 /
1 (some file not obtained) / 2 (misuse); ``build`` and ``report`` 0 / 2; a command line
that cannot be parsed 2. The network is taken away by pointing the HTTP(S) proxy at a
closed local port, which fails every download at once.
"""
from __future__ import annotations

import os
import re
import socket
import subprocess
import sys
import tomllib
from pathlib import Path

import pytest

from analysis import _locations, cli
from analysis.report.config import DEFAULT_CONFIG

ROOT = Path(__file__).resolve().parents[1]


def _one_error(err: str) -> str:
    lines = [ln for ln in err.strip().splitlines() if ln]
    assert len(lines) == 1, err
    assert lines[0].startswith("error: "), err
    assert "Traceback" not in err
    return lines[0]


def _main(capsys, *argv: str) -> tuple[int, str, str]:
    code = cli.main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def _closed_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]  # closed again when the socket is: connections are refused


def _run(*argv: str, env: dict[str, str] | None = None, cwd: Path | None = None) -> subprocess.CompletedProcess:
    base = {k: v for k, v in os.environ.items() if k != "ANALYSIS_MIRROR"}
    base.update(PYTHONPATH=str(ROOT), MPLBACKEND="Agg", **(env or {}))
    return subprocess.run([sys.executable, "-m", "analysis", *argv], capture_output=True, text=True, env=base,
                          cwd=cwd or ROOT, timeout=300)


# --- report -------------------------------------------------------------------------------------


def test_report_config_value_of_the_wrong_type(tmp_path, capsys):
    cfg = tmp_path / "bad.toml"
    cfg.write_text('[report]\nalpha = "x"\n', encoding="utf-8")
    code, _, err = _main(capsys, "report", "--config", str(cfg), "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2
    line = _one_error(err)
    assert str(cfg) in line and "'x'" in line
    assert not (tmp_path / "out").exists()


def test_report_out_that_cannot_be_created(capsys):
    code, _, err = _main(capsys, "report", "--out", "/proc/x", "--quiet")
    assert code == 2
    assert "/proc/x" in _one_error(err)


@pytest.mark.parametrize("command", ["report", "build"])
def test_out_that_is_a_file(tmp_path, capsys, command):
    target = tmp_path / "a_file"
    target.write_text("keep me", encoding="utf-8")
    code, _, err = _main(capsys, command, "--out", str(target), "--quiet")
    assert code == 2
    assert str(target) in _one_error(err)
    assert target.read_text(encoding="utf-8") == "keep me"


def test_report_data_folder_that_does_not_exist(tmp_path, capsys):
    missing = tmp_path / "nowhere"
    code, _, err = _main(capsys, "report", "--data", str(missing), "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2
    line = _one_error(err)
    assert str(missing) in line and "does not exist" in line


def test_report_without_any_processed_data_lists_where_it_looked(tmp_path, capsys, monkeypatch):
    monkeypatch.delenv(_locations.ENV_PROCESSED, raising=False)
    monkeypatch.setattr(_locations, "checkout_root", lambda: None)
    monkeypatch.setattr(_locations, "packaged_processed_dir", lambda: tmp_path / "pkg" / "processed")
    code, _, err = _main(capsys, "report", "--out", str(tmp_path / "out"), "--quiet")
    assert code == 2
    line = _one_error(err)
    assert line.startswith("error: processed data: not found; looked in")
    for where in ("--data", "$ANALYSIS_PROCESSED", "not running from a checkout", str(tmp_path / "pkg" / "processed")):
        assert where in line
    assert not (tmp_path / "out").exists()


def _tiny_config(tmp_path: Path, lang: str) -> Path:
    p = tmp_path / f"tiny-{lang}.toml"
    p.write_text(f'[report]\ntitle = "Tiny"\nlang = "{lang}"\n[changepoint]\nconf_int_draws = 5\n'
                 'bayes_max_breaks = 1\n[[series]]\nid = "fa"\nregistry = "foreign_agents"\nchangepoints = false\n'
                 '[convictions]\narticles = ["275"]\n', encoding="utf-8")
    return p


def test_report_honours_the_configured_language_and_data_folder(tmp_path, capsys):
    cfg = _tiny_config(tmp_path, "ru")
    data = ROOT / "data" / "processed"
    code, _, err = _main(capsys, "report", "--config", str(cfg), "--data", str(data), "--out",
                         str(tmp_path / "ru"), "--quiet")
    assert code == 0, err
    assert '<html lang="ru">' in (tmp_path / "ru" / "index.html").read_text(encoding="utf-8")
    # the last line is printed once
    assert err.strip().splitlines() == [f"report written to {tmp_path / 'ru' / 'index.html'}"]
    # --lang still overrides the configuration
    code, _, err = _main(capsys, "report", "--config", str(cfg), "--data", str(data), "--lang", "en", "--out",
                         str(tmp_path / "en"), "--quiet")
    assert code == 0, err
    assert '<html lang="en">' in (tmp_path / "en" / "index.html").read_text(encoding="utf-8")


def test_default_report_folder_is_the_checkout_or_a_user_folder(tmp_path, monkeypatch):
    assert _locations.default_report_dir(ROOT) == ROOT / "reports" / "latest"
    assert _locations.default_report_dir(ROOT / "analysis") == ROOT / "reports" / "latest"
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "xdg"))
    assert _locations.default_report_dir(tmp_path) == tmp_path / "xdg" / "analysis" / "reports" / "latest"


# --- fetch --------------------------------------------------------------------------------------


def test_fetch_raw_dir_that_is_a_file(tmp_path, capsys):
    target = tmp_path / "a_file"
    target.write_text("", encoding="utf-8")
    code, _, err = _main(capsys, "fetch", "--raw-dir", str(target), "--quiet")
    assert code == 2
    assert str(target) in _one_error(err)


def test_fetch_unknown_only_id(tmp_path, capsys):
    code, _, err = _main(capsys, "fetch", "--raw-dir", str(tmp_path / "raw"), "--only", "nonsense", "--quiet")
    assert code == 2
    assert "nonsense" in _one_error(err)
    assert not (tmp_path / "raw").exists()


def test_fetch_missing_mirror_folder(tmp_path, capsys):
    code, _, err = _main(capsys, "fetch", "--raw-dir", str(tmp_path / "raw"), "--mirror", "/nonexistent", "--quiet")
    assert code == 2
    line = _one_error(err)
    assert "/nonexistent" in line and "mirror folder" in line


def _manifest_ids() -> list[str]:
    return sorted(e["id"] for e in tomllib.loads((ROOT / "data" / "raw" / "manifest.toml").read_text(
        encoding="utf-8"))["file"])


def test_fetch_without_network_tries_every_file_sums_up_and_hints_at_a_mirror(tmp_path):
    proxy = f"http://127.0.0.1:{_closed_port()}"
    res = _run("fetch", "--raw-dir", str(tmp_path / "raw"), "--quiet",
               env={"http_proxy": proxy, "https_proxy": proxy, "HTTP_PROXY": proxy, "HTTPS_PROXY": proxy,
                    "no_proxy": "", "NO_PROXY": ""})
    assert res.returncode == 1, res.stderr
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    ids = _manifest_ids()
    errors = [ln for ln in lines if ln.startswith("error: ")]
    assert sorted(ln.split(":", 2)[1].strip() for ln in errors) == ids  # every file tried, each named once
    summary = [ln for ln in lines if ln.startswith("fetch: ")]
    assert summary == [f"fetch: {len(ids)} files: 0 already present, 0 downloaded, 0 copied from the mirror, "
                       f"{len(ids)} not obtained"]
    hint = [ln for ln in lines if ln.startswith("hint: ")]
    assert len(hint) == 1 and "--mirror" in hint[0] and "ANALYSIS_MIRROR" in hint[0]


def test_fetch_from_a_mirror_that_misses_files(tmp_path):
    mirror = tmp_path / "mirror"
    mirror.mkdir()
    res = _run("fetch", "--raw-dir", str(tmp_path / "raw"), "--mirror", str(mirror), "--quiet")
    assert res.returncode == 1
    assert "Traceback" not in res.stderr
    lines = res.stderr.strip().splitlines()
    assert sum(ln.startswith("error: ") and "not in the mirror" in ln for ln in lines) == len(_manifest_ids())
    assert lines[-1].startswith("fetch: ") and not any(ln.startswith("hint: ") for ln in lines)


def test_readme_states_the_exit_codes_the_cli_uses():
    readme = (ROOT / "README.md").read_text(encoding="utf-8")
    text = " ".join(readme.split())
    assert "`fetch` exits 0 when every file is present and verified, 1 when some file could not be obtained" in text
    assert re.search(r"- `report` writes .{0,300}? It exits 0, or 2 with one line", text)


# --- the command line itself --------------------------------------------------------------------


def test_version(tmp_path):
    res = _run("--version", cwd=tmp_path)
    assert res.returncode == 0, res.stderr
    version = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))["project"]["version"]
    head = subprocess.run(["git", "-C", str(ROOT), "rev-parse", "HEAD"], capture_output=True, text=True)
    assert res.stdout.startswith(f"analysis {version}")
    if head.returncode == 0:
        assert head.stdout.strip() in res.stdout


@pytest.mark.parametrize("argv", [["nonsense"], ["report", "--lang", "xx"], ["report", "--no-such-option"], []])
def test_usage_errors_are_one_line_and_exit_2(capsys, argv):
    with pytest.raises(SystemExit) as exc:
        cli.main(argv)
    assert exc.value.code == 2
    _one_error(capsys.readouterr().err)


def test_unexpected_failure_is_one_line(monkeypatch, capsys):
    def boom(args):
        raise TypeError("unsupported operand")

    monkeypatch.setattr(cli, "cmd_fetch", boom)
    parser = cli.make_parser()
    monkeypatch.setattr(cli, "make_parser", lambda: parser)
    parser._subparsers._group_actions[0].choices["fetch"].set_defaults(func=boom)
    code, _, err = _main(capsys, "fetch")
    assert code == 2
    assert "TypeError" in _one_error(err)


def test_an_interrupt_handled_inside_exec_still_exits_2(tmp_path):
    """A Ctrl-C that passed through ``exec`` of a string (as making a dataclass does) and was
    handled gives exit 2 and one line, not a silent death by SIGINT (exit -2)."""
    (tmp_path / "wrapped.py").write_text(
        "import runpy\n"
        "import analysis.cli as cli\n"
        "def main(argv=None):\n"
        "    try:\n"
        "        exec('raise KeyboardInterrupt')\n"
        "    except KeyboardInterrupt:\n"
        "        return cli._fail('interrupted')\n"
        "cli.main = main\n"
        "runpy.run_module('analysis', run_name='__main__', alter_sys=True)\n", encoding="utf-8")
    env = {**os.environ, "PYTHONPATH": os.pathsep.join([str(tmp_path), str(ROOT)]), "MPLBACKEND": "Agg"}
    res = subprocess.run([sys.executable, "-m", "wrapped", "--version"], capture_output=True, text=True, env=env,
                         cwd=tmp_path, timeout=300)
    assert res.returncode == 2, (res.returncode, res.stderr)
    assert _one_error(res.stderr) == "error: interrupted"
