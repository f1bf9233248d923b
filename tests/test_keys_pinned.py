"""Job keys are pinned: the example site's directives plan exactly the committed data/ files,
with the same result options in the same order (issue 14: moving kinds must not move keys)."""

import json
from pathlib import Path

from ecco_build.config import load_config
from ecco_build.plan import plan
from ecco_build.store import dumps
from ecco_build.validate import validate

ROOT = Path(__file__).parent.parent


def test_example_site_jobs_are_the_committed_data_files():
    config = load_config(ROOT)
    validated = validate(config)
    assert not validated.problems
    jobs = {job.filename: job for job in plan(validated).every()}  # a comparison's every panel
    assert set(jobs) == {p.name for p in config.data_path.glob("*.json")}
    for name, job in jobs.items():
        stored = json.loads((config.data_path / name).read_text())
        assert stored["key"] == job.key, name
        assert list(job.options) == list(stored["options"]), name
        assert dumps(job.options) == dumps(stored["options"]), name
