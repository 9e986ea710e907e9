"""The README promises commands and code that run as written."""

import re
import subprocess
import sys
from pathlib import Path

README = Path(__file__).resolve().parents[1] / "README.md"


def _fenced_blocks(language):
    text = README.read_text(encoding="utf-8")
    return re.findall(rf"^```{language}\n(.*?)^```", text, flags=re.M | re.S)


def _command_after(marker):
    text = README.read_text(encoding="utf-8")
    match = re.search(rf"<!-- {marker} -->\n```bash\n(.+)\n```", text)
    assert match, f"README.md has no bash block after <!-- {marker} -->"
    return match.group(1)


def test_readme_commands_are_single_lines_ci_can_read():
    """Check that both README commands exist where .ci/run looks for them."""
    main_command = _command_after("main-command")
    test_command = _command_after("test-command")

    assert "skinvariant reproduce" in main_command
    assert "pip install" in main_command
    assert '".[test]"' in test_command
    assert "pytest" in test_command


def test_readme_python_example_runs(tmp_path):
    """Check that the README's Python example runs without deprecations and
    scores a pipeline identically on X_test and -X_test."""
    (block,) = _fenced_blocks("python")
    result = subprocess.run(
        [sys.executable, "-W", "error::DeprecationWarning", "-c", block],
        capture_output=True,
        text=True,
        cwd=tmp_path,
        check=False,
    )
    assert result.returncode == 0, result.stderr

    scores = re.findall(r"accuracy on -?X_test:\s+([0-9.]+)", result.stdout)
    assert len(scores) == 2
    assert scores[0] == scores[1]
    assert float(scores[0]) > 0.7
