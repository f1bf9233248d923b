"""validate asks the kind: `kind.requires` and `kind.check_tokens`, over a TokenizerView that
needs no tokenizer here; plan turns what validate resolved into jobs, and Plan answers by place."""

from dataclasses import dataclass, field

from ecco_build.directive_models import ResolvedModel, model_problems, requirement_problem
from ecco_build.document.articles import Article, Directive
from ecco_build.document.lines import line_of
from ecco_build.document.markdown import markdown_parser
from ecco_build.kinds.kind import no_problems
from ecco_build.kinds.registry import KINDS
from ecco_build.models.facts import ModelFacts
from ecco_build.models.loader import ModelRef
from ecco_build.plan import FigureKey, Plan, make_job, plan
from ecco_build.validate import Validated

REF = ModelRef("demo", "builtin:demo", None, "builtin:demo", "", "float32")


@dataclass
class Words:
    """A TokenizerView whose tokens are space-separated words."""

    encoder: bool = False
    n_layers: int | None = 4

    def token_pieces(self, text: str) -> list[str]:
        return text.split()

    def count_tokens(self, text: str) -> int:
        return len(text.split())


@dataclass
class Facts(Words):
    """ModelFacts' attributes that validate reads, without a model folder."""

    alias: str = "m"
    model_type: str = "gpt2"
    has_head: bool = False
    context: int | None = 100
    config: dict = field(default_factory=dict)


def directive(kind: str, number: int = 1, **options) -> Directive:
    return Directive(kind, KINDS[kind].defaults(**options), "", "articles/a.md", 3, number)


def record(kind: str, **options):
    return KINDS[kind].record_of(KINDS[kind].defaults(**options))


def test_kinds_without_token_rules_use_the_default_hook():
    hooked = {name for name, kind in KINDS.items() if kind.check_tokens is not no_problems}
    assert hooked == {"saliency", "rankings-watch", "factors", "attention"}


def test_watch_strings_must_be_one_token_unless_first_token():
    check = KINDS["rankings-watch"].check_tokens
    assert check(record("rankings-watch", prompt="a b", watch=["is", "are"]), Words()) == []
    [problem] = check(record("rankings-watch", prompt="a b", watch=["is", "New York"]), Words())
    assert problem.startswith(":watch: 'New York' is 2 tokens ['New', 'York'], not one;")
    assert check(record("rankings-watch", prompt="a", watch=["New York"], first_token=True), Words()) == []


def test_a_foil_must_be_one_token():
    check = KINDS["saliency"].check_tokens
    assert check(record("saliency", prompt="a b"), Words()) == []  # no foil given
    assert check(record("saliency", prompt="a b", foil="x"), Words()) == []
    assert check(record("saliency", prompt="a b", foil="x y"), Words()) == [
        ":foil: 'x y' is 2 tokens ['x', 'y'], not one; choose a single token"
    ]


def test_factor_layers_are_checked_against_the_model_and_signed_methods_need_two_tokens():
    check = KINDS["factors"].check_tokens
    assert check(record("factors", prompt="a b", layers=[0, 3]), Words()) == []
    [problem] = check(record("factors", prompt="a b", layers=[0, 4]), Words())
    assert problem.startswith(":layers: [4] are not layers of this model; it has 4 layers")
    assert check(record("factors", prompt="a b", layers=[0, 9]), Words(n_layers=None)) == []
    [problem] = check(record("factors", prompt="a", method="pca"), Words())
    assert problem.startswith(":method: pca factors how activations vary")


def test_requirements_come_from_the_kind():
    encoder = Facts(encoder=True, model_type="bert", has_head=False)
    assert requirement_problem(KINDS["generate"], Facts()) is None
    assert requirement_problem(KINDS["generate"], encoder) == (
        'generate needs a text-generating model, but "m" is a bert encoder; '
        "use a causal model such as builtin:demo"
    )
    assert requirement_problem(KINDS["layer-predictions"], encoder) == (
        "layer-predictions needs a causal model or a masked LM with its MLM head, "
        'but "m" is a bert encoder without one'
    )
    assert requirement_problem(KINDS["layer-predictions"], Facts(encoder=True, has_head=True)) is None
    assert requirement_problem(KINDS["factors"], encoder) is None


def test_problem_order_is_token_rules_then_context_then_position():
    facts = Facts(context=3)
    found = model_problems(directive("rankings-watch", prompt="a b c d", watch=["x y"], position=9), facts)
    assert [p.split(" ")[0] for p in found] == [":watch:", "prompt", ":position:"]
    assert isinstance(facts, Words) and not isinstance(facts, ModelFacts)  # a view, not a model


def test_line_of_is_one_based_and_1_without_a_map():
    tokens = markdown_parser().parse("# Title\n\ntext\n")
    assert [line_of(t) for t in tokens if t.map] == [1, 1, 3, 3]
    assert line_of(tokens[1].children[0]) == 1  # inline children carry no map


def test_plan_makes_a_job_for_each_resolved_directive_and_answers_by_place():
    a, b, c = (
        directive("generate", 1, prompt="x"),
        directive("generate", 2, prompt="x"),
        directive("generate", 3),
    )
    article = Article(None, "articles/a.md", "a", None, "", [], (a, b, c))
    resolved = ResolvedModel(REF, "sha256:abc")
    models = {FigureKey("articles/a.md", 1): resolved, FigureKey("articles/a.md", 2): resolved}
    planned = plan(Validated((article,), (), (), models=models))
    assert set(planned.jobs) == {("articles/a.md", 1), ("articles/a.md", 2)}  # c was not resolved
    assert planned.job(a) == planned.job(b) == make_job(a, REF, "sha256:abc")
    c_job = make_job(c, REF, "sha256:abc")
    every = Plan({**planned.jobs, FigureKey("articles/a.md", 3): c_job})
    assert [job.key for job in every.of(article)] == [planned.job(a).key] * 2 + [c_job.key]
    assert every.places((article,)) == {
        planned.job(a).key: "articles/a.md:3, articles/a.md:3",  # one job, two figures
        c_job.key: "articles/a.md:3",
    }
