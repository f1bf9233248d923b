import subprocess
import sys

from click.testing import CliRunner

from ecco_build.cli import kinds_text, main
from ecco_build.kinds.registry import KINDS


def test_kinds_lists_every_option():
    result = CliRunner().invoke(main, ["kinds"])
    assert result.exit_code == 0
    for kind in KINDS.values():
        assert f"{kind.name}  (<{kind.element}>" in result.output
        for option in kind.options:
            assert f":{option.name}: {option.type_name}" in result.output
    assert result.output == kinds_text(list(KINDS.values()))


def test_unknown_kind_is_a_clean_error():
    result = CliRunner().invoke(main, ["kinds", "genrate"])
    assert result.exit_code == 1
    assert result.output == 'error: unknown kind "genrate"; did you mean "generate"?\n'


def test_check_reports_errors_and_exit_code(make_site):
    site = make_site({"a.md": "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:temprature: 2\n:::\n"})
    result = CliRunner().invoke(main, ["check", str(site)])
    assert result.exit_code == 1
    assert result.output == (
        'error: articles/a.md:6: unknown option "temprature" for generate; did you mean "temperature"?\n'
        "1 error; nothing was built.\n"
    )
    (site / "articles" / "a.md").write_text("---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:::\n")
    result = CliRunner().invoke(main, ["check", str(site)])
    assert (result.exit_code, result.output) == (0, "ok: 1 article(s), 1 directive(s)\n")


def test_check_and_kinds_do_not_import_torch(make_site):
    site = make_site({"a.md": "---\ntitle: A\n---\n:::{generate}\n:prompt: hi\n:::\n"})
    code = (
        "import sys; from ecco_build.cli import main\n"
        "try:\n main(['check', sys.argv[1]])\nexcept SystemExit: pass\n"
        "assert 'torch' not in sys.modules, 'torch was imported'\nprint('clean')"
    )
    out = subprocess.run([sys.executable, "-c", code, str(site)], capture_output=True, text=True)
    assert out.stdout.strip().endswith("clean"), out.stderr


def test_new_site_builds(tmp_path):
    runner = CliRunner()
    result = runner.invoke(main, ["new", str(tmp_path / "blog")])
    assert result.exit_code == 0, result.output
    assert (tmp_path / "blog" / "site.toml").is_file()
    result = runner.invoke(main, ["build", str(tmp_path / "blog")])
    assert result.exit_code == 0, result.output
    assert "1 computed, loaded demo" in result.output
    page = (tmp_path / "blog" / "_site" / "welcome" / "index.html").read_text()
    assert "<ecco-generate" in page
    fallback = page.split('<div class="ecco-fallback">')[1].split("</div>")[0]
    assert '<span class="ecco-token prompt">class</span>' in fallback  # tokens, each its own span
    assert '<span class="ecco-token output"> name<small class="ecco-prob">' in fallback  # self.name = name
    again = runner.invoke(main, ["new", str(tmp_path / "blog")])
    assert again.exit_code == 1 and "already exists and is not empty" in again.output
    # a fresh scaffold passes the workflow's strict build once its result is computed, with the
    # address GitHub Pages reports given on the command line (no trailing slash there)
    strict = runner.invoke(
        main, ["build", str(tmp_path / "blog"), "--strict", "--base-url", "https://you.github.io/blog"]
    )
    assert strict.exit_code == 0, strict.output
    assert "1 results reused, 0 computed, loaded no model" in strict.output
    feed = (tmp_path / "blog" / "_site" / "feed.xml").read_text()
    assert "https://you.github.io/blog/welcome/" in feed
    unset = runner.invoke(main, ["build", str(tmp_path / "blog"), "--strict"])
    assert unset.exit_code == 1 and "no --base-url was given" in unset.output


def test_new_site_is_a_repository_ready_to_publish(tmp_path):
    import tomllib

    import yaml

    from ecco_build import __version__

    result = CliRunner().invoke(main, ["new", str(tmp_path / 'my "quoted" site')])
    assert result.exit_code == 0, result.output
    site = tmp_path / 'my "quoted" site'
    assert tomllib.loads((site / "site.toml").read_text())["title"] == 'my "quoted" site'
    assert "_site/" in (site / ".gitignore").read_text().splitlines()
    readme = (site / "README.md").read_text()
    assert "Source: **GitHub Actions**" in readme and f"ecco-build[compute]=={__version__}" in readme
    workflow = yaml.safe_load((site / ".github" / "workflows" / "pages.yml").read_text())
    steps = workflow["jobs"]["build"]["steps"]
    runs = [s["run"] for s in steps if "run" in s]
    assert runs == [
        f'pip install "ecco-build=={__version__}"',
        "ecco-build check",
        'ecco-build build --strict --base-url "${{ steps.pages.outputs.base_url }}"',
    ]
    assert any(s.get("uses", "").startswith("actions/configure-pages@") for s in steps)
    assert workflow["jobs"]["deploy"]["steps"][0]["uses"].startswith("actions/deploy-pages@")


def test_base_url_option_must_be_an_address(tmp_path):
    CliRunner().invoke(main, ["new", str(tmp_path / "blog")])
    result = CliRunner().invoke(main, ["build", str(tmp_path / "blog"), "--base-url", "javascript:alert(1)"])
    assert result.exit_code == 1
    assert result.output.strip().endswith(
        '--base-url "javascript:alert(1)": not an absolute http(s) URL; give the address the site is '
        'published at, such as "https://you.github.io/repo/"'
    )
    assert not (tmp_path / "blog" / "_site").exists() and not (tmp_path / "blog" / "data").exists()


def test_readme_lists_every_kind_exactly():
    """The README's option reference is the output of `ecco-build kinds`."""
    from pathlib import Path

    readme = (Path(__file__).parent.parent / "README.md").read_text()
    block = readme.split("<!-- kinds:start -->\n")[1].split("<!-- kinds:end -->")[0]
    assert block == "```text\n" + kinds_text(list(KINDS.values())) + "```\n", (
        "README is out of date: run python scripts/update_readme.py"
    )


def test_ci_runs_the_readme_test_command():
    from pathlib import Path

    root = Path(__file__).parent.parent
    readme = (root / "README.md").read_text()
    command = next(
        line for line in (root / ".ci" / "run").read_text().splitlines() if line.startswith("apt-get")
    )
    assert f"\n{command}\n" in readme


def test_serve_port_must_be_a_port(make_site):
    site = make_site({"a.md": "---\ntitle: A\n---\nText.\n"})
    result = CliRunner().invoke(main, ["serve", str(site), "--port", "70000"])
    assert result.exit_code == 2
    assert "Invalid value for '--port': 70000 is not in the range 1<=x<=65535." in result.output
    assert not (site / "_site").exists()


def test_config_errors_are_clean_and_all_listed(tmp_path):
    (tmp_path / "site.toml").write_bytes(b'title = "T"\ndevice = "gpu"\nbase_url = "javascript:x"\n')
    result = CliRunner().invoke(main, ["check", str(tmp_path)])
    assert result.exit_code == 1
    assert result.output == (
        f'error: {tmp_path}/site.toml:2: device must be one of auto, cpu, cuda, not "gpu"\n'
        f"{tmp_path}/site.toml:3: base_url must be an absolute http(s) URL such as "
        '"https://you.github.io/repo/", not "javascript:x"\n'
        "2 errors in site.toml; nothing was built.\n"
    )
    (tmp_path / "site.toml").write_bytes('title = "Andr\xe9"\n'.encode("latin-1"))
    result = CliRunner().invoke(main, ["build", str(tmp_path)])
    assert (result.exit_code, result.output) == (
        1,
        f"error: {tmp_path}/site.toml:1: not UTF-8 (byte 0xe9 at column 14); save site.toml as UTF-8\n",
    )
