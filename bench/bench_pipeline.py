"""The pipeline's own speed: every figure of issue 15's "Done means", as CPU medians and whole-process wall times.

Sections (positional arguments, default all; each takes at most a couple of minutes):

``first_call``
    Wall time of a new process, interpreter start and imports included, until the first
    answer of ``detect_changepoints`` on a 150-month count series: with a cold cache
    (``ANALYSIS_CACHE_DIR`` and ``NUMBA_CACHE_DIR`` unset, the root pointed at an empty
    temporary folder, so the kernels compile) and then with that cache warm (median of
    three new processes). The child reports its own import and call times.
``import``
    A bare ``import analysis`` in a new process: wall time of the process, the time of the
    import inside it, and the peak resident memory (``resource.getrusage``, ``ru_maxrss``)
    against that of an interpreter that imports nothing.
``models``
    ``fit_count_model`` NB2 and Poisson against statsmodels ``NegativeBinomial(nb2)``
    and ``GLM(Poisson)`` on the same design at 150 and 10,000 months (CPU medians;
    :func:`bench_models.speed`).
``dates``
    The 1600–2400 tests of ``tests/models/test_dates.py``, run by pytest in a new process.
``report``
    ``python -m analysis report --out <tmp>``: a first run, then warm runs (the drawn
    figures kept) with ``--n-jobs 1`` and ``2`` (medians of three); every figure drawn
    (``ANALYSIS_REPORT_CACHE=0``) with 1 and 2 workers; the same with only the sections
    that came first (:func:`_earlier_sections`); then with ten times the series: a
    configuration that repeats each ``[[series]]`` of the default configuration ten times
    under new ids (the same data, so the work per series is the real one), warm, with 1 and
    2 workers, both for the earlier sections (the target: at most 2.5x their warm run) and
    for every section. The 10x runs are skipped, with the reason, when the runs so far say
    they would exceed :data:`TEN_X_BUDGET` (a loaded machine).
``memory``
    Bootstrap memory of the break-date intervals at n = 1e5 with 999 draws: peak resident
    memory (Linux ``VmHWM``) of a new process above its level before ``conf_int``.
``per_call``
    CPU median of one ``detect_changepoints`` call at n = 150 (warm, in this process).

The machine is shared: every timing depends on its load, which is printed (1-minute load
average) before and after each section.

Usage::

    python bench/bench_pipeline.py                        # every section
    python bench/bench_pipeline.py first_call models report memory
"""
from __future__ import annotations

import json
import os
import re
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
SECTIONS = ("first_call", "import", "models", "dates", "report", "memory", "per_call")


def _env(**extra: str) -> dict[str, str]:
    """The child processes' environment: this one, with the checkout first on the path.

    ``PYTHONDONTWRITEBYTECODE`` is dropped: a warm run is a repeated run on a user's
    machine, where Python keeps the compiled bytecode of every module it imported;
    with the variable set, each process recompiles every source file changed since the
    last cache was written.
    """
    env = dict(os.environ)
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env.setdefault("MPLBACKEND", "Agg")
    env["PYTHONPATH"] = str(ROOT) + (os.pathsep + env["PYTHONPATH"] if env.get("PYTHONPATH") else "")
    env.update(extra)
    return env


def _child(code: str, env: dict[str, str] | None = None, timeout: float = 300,
           cwd: Path = ROOT) -> tuple[dict, float]:
    """Run ``code`` in a new interpreter; its last stdout line is JSON. Returns it and the process wall time."""
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-c", code], cwd=cwd, env=env or _env(), capture_output=True,
                          text=True, timeout=timeout)
    wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(f"child failed ({proc.returncode}): {proc.stderr[-2000:]}")
    return json.loads(proc.stdout.strip().splitlines()[-1]), wall


def _load() -> str:
    return f"load average (1 min) {os.getloadavg()[0]:.2f} on {os.cpu_count()} cores"


# ---------------------------------------------------------------------------------------- first call

FIRST_CALL = r"""
import json, time
t0 = time.perf_counter()
import numpy as np
from analysis import detect_changepoints
t_import = time.perf_counter() - t0
rng = np.random.default_rng(0)
y = rng.poisson(np.repeat([4.0, 9.0, 5.0], 50)).astype(float)
t1 = time.perf_counter()
res = detect_changepoints(y)
t_call = time.perf_counter() - t1
import analysis
print(json.dumps({"import": t_import, "call": t_call, "breaks": int(res.n_breaks), "from": analysis.__file__}))
"""


def first_call() -> None:
    print("## first answer of detect_changepoints in a new process (n = 150; wall seconds, imports included)")
    with tempfile.TemporaryDirectory() as cache:
        env = _env(ANALYSIS_CACHE_DIR=cache)
        env.pop("NUMBA_CACHE_DIR", None)
        cold, cold_wall = _child(FIRST_CALL, env)
        warm = [_child(FIRST_CALL, env) for _ in range(3)]
    walls = [w for _, w in warm]
    med = sorted(warm, key=lambda r: r[1])[1]
    print(f"  cold cache (empty ANALYSIS_CACHE_DIR): process {cold_wall:.2f} s (import {cold['import']:.2f} s, "
          f"first call {cold['call']:.2f} s)")
    print(f"  warm cache, median of 3 new processes: process {statistics.median(walls):.2f} s (import "
          f"{med[0]['import']:.2f} s, first call {med[0]['call']:.3f} s); all: "
          + ", ".join(f"{w:.2f}" for w in walls))
    print(f"  (the checkout via PYTHONPATH) target: warm under 1.5 s -> "
          f"{'OK' if statistics.median(walls) < 1.5 else 'SLOW'}")
    _installed_first_call()


def _installed_first_call() -> None:
    """The same, on a non-editable install of the checkout in a read-only folder, run from elsewhere."""
    import stat

    with tempfile.TemporaryDirectory() as tmp:
        site, cache, work = Path(tmp, "site"), Path(tmp, "cache"), Path(tmp, "work")
        work.mkdir()
        proc = subprocess.run([sys.executable, "-m", "pip", "install", "--quiet", "--no-deps", "--no-build-isolation",
                               "--target", str(site), str(ROOT)], capture_output=True, text=True, timeout=600)
        if proc.returncode != 0:
            print(f"  installed package: not measured: pip failed: {proc.stderr.strip()[-300:]}")
            return
        for p in [site, *site.rglob("*")]:
            p.chmod(p.stat().st_mode & ~(stat.S_IWUSR | stat.S_IWGRP | stat.S_IWOTH))
        try:
            env = dict(os.environ, PYTHONPATH=str(site), ANALYSIS_CACHE_DIR=str(cache), MPLBACKEND="Agg")
            env.pop("NUMBA_CACHE_DIR", None)
            cold, cold_wall = _child(FIRST_CALL, env, cwd=work)
            warm = [_child(FIRST_CALL, env, cwd=work) for _ in range(3)]
        finally:
            for p in [site, *site.rglob("*")]:
                p.chmod(p.stat().st_mode | stat.S_IWUSR)
    walls = [w for _, w in warm]
    med = sorted(warm, key=lambda r: r[1])[1]
    inside = str(site) in str(med[0]["from"])
    print(f"  installed (pip install --target, read-only, imported from {'the install' if inside else 'ELSEWHERE'}):"
          f" cold cache {cold_wall:.2f} s; warm cache, median of 3 new processes {statistics.median(walls):.2f} s "
          f"(import {med[0]['import']:.2f} s, first call {med[0]['call']:.3f} s) -> target under 1.5 s: "
          f"{'OK' if statistics.median(walls) < 1.5 and inside else 'SLOW'} [{_load()}]")


# ---------------------------------------------------------------------------------------- import

IMPORT = r"""
import json, resource, time
t0 = time.perf_counter()
{stmt}
t = time.perf_counter() - t0
print(json.dumps({{"import": t, "maxrss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}}))
"""


def bare_import() -> None:
    print("## bare `import analysis` in a new process")
    rows = []
    for stmt in ("pass", "import analysis"):
        runs = [_child(IMPORT.format(stmt=stmt)) for _ in range(3)]
        rows.append((stmt, statistics.median(w for _, w in runs), statistics.median(r["import"] for r, _ in runs),
                     statistics.median(r["maxrss_mb"] for r, _ in runs)))
    for stmt, wall, imp, rss in rows:
        print(f"  {stmt:<16} process wall {wall:.3f} s, import {imp:.3f} s, peak RSS {rss:.1f} MB (median of 3)")
    print(f"  import analysis adds {rows[1][3] - rows[0][3]:.1f} MB to a bare interpreter")


# ---------------------------------------------------------------------------------------- models


def models() -> None:
    print("## count models against statsmodels on the same design (CPU medians, milliseconds)")
    sys.path.insert(0, str(ROOT / "bench"))
    import warnings

    from bench_models import speed

    from analysis.errors import AnalysisWarning
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", AnalysisWarning)
        table = speed(20, 5)
    for _, r in table.iterrows():
        ours = r["fit_count_model NB2 [ms]"]
        best = min(r["statsmodels NB2 bfgs [ms]"], r["statsmodels NB2 newton [ms]"])
        print(f"  {int(r['months'])} months: NB2 ours {ours:.1f} ms vs statsmodels bfgs "
              f"{r['statsmodels NB2 bfgs [ms]']:.1f} ms, newton {r['statsmodels NB2 newton [ms]']:.1f} ms -> "
              f"{'no slower than either' if ours <= best else 'SLOWER'}; Poisson ours "
              f"{r['fit_count_model Poisson [ms]']:.1f} ms vs GLM {r['statsmodels GLM Poisson [ms]']:.1f} ms")


# ---------------------------------------------------------------------------------------- dates


def dates() -> None:
    print("## the 1600-2400 date tests (pytest in a new process)")
    t0 = time.perf_counter()
    proc = subprocess.run([sys.executable, "-m", "pytest", "-q", "-p", "no:cacheprovider",
                           "tests/models/test_dates.py", "-k", "1600 or 1790 or 800_years"], cwd=ROOT, env=_env(),
                          capture_output=True, text=True, timeout=300)
    wall = time.perf_counter() - t0
    last = [ln for ln in proc.stdout.strip().splitlines() if ln.strip()][-1]
    print(f"  {'PASS' if proc.returncode == 0 else 'FAIL'}: {last} ({wall:.1f} s wall)")


# ---------------------------------------------------------------------------------------- report


def _times_ten_config(path: Path, text: str | None = None) -> int:
    """The default configuration (or ``text``) with each ``[[series]]`` block repeated ten times under new ids."""
    from analysis.report.config import DEFAULT_CONFIG

    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8") if text is None else text
    blocks = re.findall(r"(?ms)^\[\[series\]\]\n.*?(?=^\[|^# ----|\Z)", text)
    extra = []
    for copy in range(1, 10):
        for b in blocks:
            extra.append(re.sub(r'(?m)^id = "([^"]+)"', lambda m: f'id = "{m.group(1)}_copy{copy}"', b, count=1))
    path.write_text(text + "\n\n" + "\n".join(extra), encoding="utf-8")
    return len(blocks)


def _earlier_sections(tmp: Path) -> tuple[Path, Path]:
    """A configuration and a data folder whose report has only the sections that came first.

    Series, breaks, models, convictions, headlines and data: the toolkit has no switch
    for sections (each is written when its results exist), so the later ones are left out
    through their inputs: the count models' sensitivity tables and placebos off
    (``[count_model] sensitivity = false``), no counting choices (``sensitivity_bases``),
    no severity panel (``[screen] severity_articles = []``), and a copy of the processed
    data without ``vintages/`` and the committed screen.
    """
    import shutil

    from analysis.processed import processed_dir
    from analysis.report.config import DEFAULT_CONFIG

    text = Path(DEFAULT_CONFIG).read_text(encoding="utf-8")
    text = re.sub(r"(?m)^sensitivity = true$", "sensitivity = false", text)
    text = re.sub(r"(?m)^sensitivity_bases = .*\n", "", text)
    text = re.sub(r"(?m)^severity_articles = .*$", "severity_articles = []", text)
    cfg = tmp / "earlier_sections.toml"
    cfg.write_text(text, encoding="utf-8")
    data = tmp / "processed"
    shutil.copytree(processed_dir(), data, ignore=shutil.ignore_patterns("vintages", "screen_convictions.*", "audit"))
    return cfg, data


def _report_wall(args: list[str], **env: str) -> float:
    with tempfile.TemporaryDirectory() as out:
        t0 = time.perf_counter()
        proc = subprocess.run([sys.executable, "-m", "analysis", "report", "--out", out, "--quiet", *args],
                              cwd=ROOT, env=_env(**env), capture_output=True, text=True, timeout=1800)
        wall = time.perf_counter() - t0
    if proc.returncode != 0:
        raise RuntimeError(proc.stderr[-2000:])
    return wall


def _warm(args: list[str], repeat: int = 3) -> tuple[float, dict[int, float]]:
    """The first run (``--n-jobs 1``), then the median warm wall time for 1 and 2 workers (``repeat`` runs each)."""
    first = _report_wall([*args, "--n-jobs", "1"])
    warm = {}
    for jobs in (1, 2):
        runs = [_report_wall([*args, "--n-jobs", str(jobs)]) for _ in range(repeat)]
        warm[jobs] = statistics.median(runs)
    return first, warm


def _line(label: str, first: float | None, warm: dict[int, float], target: str) -> None:
    head = f"first run {first:.2f} s, " if first is not None else ""
    print(f"  {label}: {head}warm {warm[1]:.2f} s with 1 worker, {warm[2]:.2f} s with 2 (median of 3; {target}) "
          f"[{_load()}]")


#: Seconds the 10x-series runs may take (a first run that draws ten times the figures, and warm runs).
TEN_X_BUDGET = 1500.0


def report() -> None:
    print("## python -m analysis report (whole-process wall seconds; warm = the figure files kept from the "
          "first run; the record itself is computed on every run)")
    first, warm = _warm([])
    _line("every section", first, warm, "target under 20 s")
    fresh = {jobs: _report_wall(["--n-jobs", str(jobs)], ANALYSIS_REPORT_CACHE="0") for jobs in (1, 2)}
    print(f"  every section, nothing kept (ANALYSIS_REPORT_CACHE=0, every figure drawn): {fresh[1]:.2f} s with 1 "
          f"worker, {fresh[2]:.2f} s with 2 [{_load()}]")
    with tempfile.TemporaryDirectory() as tmp:
        cfg, data = _earlier_sections(Path(tmp))
        e_first, e_warm = _warm(["--config", str(cfg), "--data", str(data)])
        _line("earlier sections only (series, breaks, models, convictions, data)", e_first, e_warm,
              "target at most 4 s on a quiet machine")
        estimate = 10 * (first + e_first + 6 * max(warm.values()))
        if estimate > TEN_X_BUDGET:
            print(f"  10x series: not measured: at this load the runs would take about {estimate:.0f} s, over the "
                  f"section's budget of {TEN_X_BUDGET:.0f} s; rerun on a quieter machine")
            return
        # the target reads "a warm report with today's sections ... at most 2.5x that with 10x the series":
        # the earlier sections' configuration and data, each series ten times, against their warm run;
        # every section ten times is printed beside it
        ten_cfg, ten_all = Path(tmp) / "times_ten_earlier.toml", Path(tmp) / "times_ten.toml"
        earlier = ["--data", str(data)]
        try:
            n = _times_ten_config(ten_cfg, cfg.read_text(encoding="utf-8"))
            _times_ten_config(ten_all)
            ten = {}
            for key, config, extra in (("earlier", ten_cfg, earlier), ("every", ten_all, [])):
                _report_wall(["--config", str(config), *extra, "--n-jobs", "2"])  # draws and keeps the figures
                ten[key] = {jobs: statistics.median(_report_wall(["--config", str(config), *extra, "--n-jobs",
                                                                  str(jobs)]) for _ in range(3))
                            for jobs in (1, 2)}
        except Exception as exc:  # the configuration may refuse repeated series
            print(f"  10x series: not measured: {type(exc).__name__}: {str(exc).strip()[-300:]}")
            return
    for key, base, what, target in (("earlier", e_warm, "earlier sections only", " (target at most 2.5x)"),
                                    ("every", warm, "every section", "")):
        t = ten[key]
        print(f"  10x series, {what} ({n} series of the configuration, each ten times): warm {t[1]:.2f} s with 1 "
              f"worker, {t[2]:.2f} s with 2 (median of 3); {min(t.values()) / min(base.values()):.2f}x the warm "
              f"report of the same sections, best against best{target} [{_load()}]")


# ---------------------------------------------------------------------------------------- memory

MEMORY = r"""
import json, time
import numpy as np
from analysis.changepoint import detect_changepoints
rng = np.random.default_rng(0)
n = 100_000
y = rng.poisson(np.repeat([4.0, 9.0, 5.0, 12.0], n // 4)).astype(float)
detect_changepoints(y[:2000]).conf_int(n_boot=19)
def status(key):
    for line in open("/proc/self/status"):
        if line.startswith(key):
            return int(line.split()[1]) / 1024
r = detect_changepoints(y)
try:
    open("/proc/self/clear_refs", "w").write("5")      # reset the peak to the current level
except OSError:
    pass
base = status("VmRSS:")
t = time.process_time()
ci = r.conf_int(n_boot=999)
cpu = time.process_time() - t
print(json.dumps({"base_mb": base, "peak_mb": status("VmHWM:"), "cpu_s": cpu, "breaks": int(r.n_breaks)}))
"""


def memory() -> None:
    print("## bootstrap memory of break-date intervals, n = 1e5, 999 draws (new process, Linux VmHWM)")
    d, wall = _child(MEMORY, timeout=600)
    inc = d["peak_mb"] - d["base_mb"]
    print(f"  {d['breaks']} breaks: RSS before conf_int {d['base_mb']:.0f} MB (the search and its result), peak "
          f"{d['peak_mb']:.0f} MB; the bootstrap adds {inc:.0f} MB (target under 200 MB -> "
          f"{'OK' if inc < 200 else 'OVER'}); conf_int {d['cpu_s']:.1f} s CPU, process {wall:.1f} s wall")


# ---------------------------------------------------------------------------------------- per call


def per_call() -> None:
    import numpy as np

    from analysis import detect_changepoints
    print("## detect_changepoints per call at n = 150 (CPU median, warm, this process)")
    rng = np.random.default_rng(0)
    y = rng.poisson(np.repeat([4.0, 9.0, 5.0], 50)).astype(float)
    detect_changepoints(y)
    times = []
    for _ in range(200):
        t0 = time.process_time()
        detect_changepoints(y)
        times.append(time.process_time() - t0)
    print(f"  {1e3 * statistics.median(times):.3f} ms per call (median of 200; process_time resolution "
          f"{time.get_clock_info('process_time').resolution:g} s)")


RUN = {"first_call": first_call, "import": bare_import, "models": models, "dates": dates, "report": report,
       "memory": memory, "per_call": per_call}


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    chosen = argv or list(SECTIONS)
    unknown = [s for s in chosen if s not in RUN]
    if unknown:
        print(f"unknown section(s) {unknown}; choose from {', '.join(SECTIONS)}", file=sys.stderr)
        return 2
    print(f"# bench_pipeline on {os.cpu_count()} cores; python {sys.version.split()[0]}")
    print("# timings depend on the machine's load (shared machine): the load average is printed around each "
          "section")
    for name in chosen:
        print(f"\n[{_load()}]")
        t0 = time.perf_counter()
        RUN[name]()
        print(f"[{_load()}; section {time.perf_counter() - t0:.0f} s]")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
