"""Per-module counts of a mutmut run (killed, timed out, survived) and its survivors, from mutants/*.meta."""
import json
import sys
from collections import Counter
from pathlib import Path

# mutmut's exit codes (mutmut/stats.py): a failing test run kills, 0 lets the mutant survive
KILLED, TIMEOUT, SURVIVED, NO_TESTS, NOT_RUN = "killed", "timeout", "survived", "no tests", "not checked"
STATUS = {1: KILLED, 3: KILLED, 0: SURVIVED, 5: NO_TESTS, 33: NO_TESTS, 36: TIMEOUT, -24: TIMEOUT, 24: TIMEOUT,
          152: TIMEOUT, 255: TIMEOUT, None: NOT_RUN}


def results(root: Path) -> dict:
    """{module path: {mutant name: status}} for every mutated module under `root`."""
    found = {}
    for meta in sorted(root.rglob("*.py.meta")):
        codes = json.loads(meta.read_text())["exit_code_by_key"]
        module = str(meta.relative_to(root))[: -len(".meta")]
        found[module] = {name: STATUS.get(code, "suspicious") for name, code in codes.items()}
    return found


def score(counts: Counter) -> float:
    """Share of the mutants run that were detected: killed or timed out (an endless loop is noticed)."""
    run = sum(counts.values()) - counts[NOT_RUN]
    return 100.0 * (counts[KILLED] + counts[TIMEOUT]) / run if run else 0.0


def report(root: Path) -> str:
    """A table per module and overall, then the survivors by name."""
    found = results(root)
    lines = [f"{'module':34} {'mutants':>7} {'killed':>6} {'timeout':>7} {'survived':>8} {'no tests':>8} "
             f"{'not run':>7} {'score':>6}"]
    overall = Counter()
    for module, statuses in found.items():
        counts = Counter(statuses.values())
        overall += counts
        lines.append(f"{module:34} {sum(counts.values()):7} {counts[KILLED]:6} {counts[TIMEOUT]:7} "
                     f"{counts[SURVIVED]:8} {counts[NO_TESTS]:8} {counts[NOT_RUN]:7} {score(counts):5.1f}%")
    lines.append(f"{'all':34} {sum(overall.values()):7} {overall[KILLED]:6} {overall[TIMEOUT]:7} "
                 f"{overall[SURVIVED]:8} {overall[NO_TESTS]:8} {overall[NOT_RUN]:7} {score(overall):5.1f}%")
    left = [name for statuses in found.values() for name, s in statuses.items() if s in (SURVIVED, NO_TESTS)]
    lines += ["", f"survivors ({len(left)}; `mutmut show <name>` shows the change):", *sorted(left)]
    return "\n".join(lines)


if __name__ == "__main__":
    print(report(Path(sys.argv[1] if len(sys.argv) > 1 else "mutants")))
