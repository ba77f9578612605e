"""The README's "Testing your use cases in isolation" example must keep working."""

import re
from pathlib import Path

README = Path(__file__).resolve().parents[2] / "README.md"


def test_the_isolation_example_runs() -> None:
    section = README.read_text(encoding="utf-8").split("## Testing your use cases in isolation")[1]
    code = re.search(r"```python\n(.*?)```", section, re.S)
    assert code is not None, "the section has no python example"
    exec(compile(code.group(1), str(README), "exec"), {"__name__": "readme_example"})
