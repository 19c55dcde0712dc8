"""The real sample corpus: entry counts per file, the 39 layout (a) bylines, the duplicates.

Every byline below was checked by hand against ../shared/corpus; the test also rebuilds each
raw line from the split, so nothing of it is lost or invented.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from kg.ingest import file_layout, iter_entries, read_paths
from kg.models import Paper

SHARED = Path(os.environ.get("KG_SHARED", Path(__file__).resolve().parents[1].parent / "shared"))
CORPUS = SHARED / "corpus"
pytestmark = pytest.mark.skipif(not CORPUS.is_dir(), reason=f"sample corpus not found at {CORPUS}")

BYLINE_FILE = "000_cfedf0f11e6c4eb6.txt"
#: (title, authors, et_al, orgs) of the 39 entries of the layout (a) listing, in file order
BYLINES = [
    ('CWM: An Open-Weights LLM for Research on Code Generation with World Models', ['FAIR CodeGen team', 'Jade Copet', 'Quentin Carbonneaux'], True, ['meta-ai']),
    ('On the Expressive Power of Geometric Graph Neural Networks', ['Chaitanya K. Joshi', 'Cristian Bodnar', 'Simon V. Mathis'], True, ['cambridge']),
    ('Equivariant Mesh Attention Networks', ['Sourya Basu', 'Jose Gallego-Posada', 'Francesco Viganò'], True, ['mila']),
    ('Causal Representation Learning for Instantaneous and Temporal Effects in Interactive Systems', ['Phillip Lippe', 'Sara Magliacane', 'Sindy Löwe'], True, []),
    ('BISCUIT: Causal Representation Learning from Binary Interactions', ['Phillip Lippe', 'Sara Magliacane', 'Sindy Löwe'], True, []),
    ('EDGI: Equivariant Diffusion for Planning with Embodied Agents', ['Johann Brehmer', 'Joey Bose', 'Pim de Haan'], True, []),
    ('A PAC-Bayesian Generalization Bound for Equivariant Networks', ['Arash Behboodi', 'Gabriele Cesa', 'Taco Cohen'], False, []),
    ('A Deep Dive into Scaling RL for Code Generation with Synthetic Data and Curricula', ['Cansu Sancaktar', 'David Zhang', 'Gabriel Synnaeve'], True, []),
    ('Towards a Grounded Theory of Causation for Embodied AI', ['Taco Cohen'], False, []),
    ('Extrapolative Weight Averaging Reveals Correctness-Efficiency Frontiers in Code RL', ['Kunhao Zheng', 'Pierre Chambon', 'Juliette Decugis'], True, []),
    ('Deconfounding Imitation Learning with Variational Inference', ['Risto Vuorio', 'Pim de Haan', 'Johann Brehmer'], True, []),
    ('Euclidean, Projective, Conformal: Choosing a Geometric Algebra for Equivariant Transformers', ['Pim de Haan', 'Taco Cohen', 'Johann Brehmer'], False, []),
    ('Efficient RL Training for LLMs with Experience Replay', ['Charles Arnal', 'Vivien Cabannes', 'Taco Cohen'], True, []),
    ('CodeIt: Self-Improving Language Models with Prioritized Hindsight Replay', ['Natasha Butt', 'Blazej Manczak', 'Auke Wiggers'], True, []),
    ("A Hitchhiker's Guide to Geometric GNNs for 3D Atomic Systems", ['Alexandre Duval', 'Simon V. Mathis', 'Chaitanya K. Joshi'], True, ['cambridge']),
    ('UMA: A Family of Universal Models for Atoms', ['Brandon M. Wood', 'Misko Dzamba', 'Xiang Fu'], True, ['baidu', 'cmu']),
    ('Does equivariance matter at scale?', ['Johann Brehmer', 'Sönke Behrends', 'Pim de Haan'], True, []),
    ('RL-finetuning LLMs from on- and off-policy data with a single algorithm', ['Yunhao Tang', 'Taco Cohen', 'David W. Zhang'], True, []),
    ('Soft Policy Optimization: Online Off-Policy RL for Sequence Models', ['Taco Cohen', 'David W. Zhang', 'Kunhao Zheng'], True, []),
    ('FoMo Rewards: Can we cast foundation models as reward functions?', ['Ekdeep Singh Lubana', 'Johann Brehmer', 'Pim de Haan'], True, []),
    ('The KoLMogorov Test: Compression by Code Generation', ['Ori Yoran', 'Kunhao Zheng', 'Fabian Gloeckle'], True, []),
    ('What Does It Take to Be a Good AI Research Agent? Studying the Role of Ideation Diversity', ['Alexis Audran-Reiss', 'Jordi Armengol Estapé', 'Karen Hambardzumyan'], True, []),
    ('Information-driven Affordance Discovery for Efficient Robotic Manipulation', ['Pietro Mazzaglia', 'Taco Cohen', 'Daniel Dijkman'], False, []),
    ('Geometric Algebra Transformer', ['Johann Brehmer', 'Pim de Haan', 'Sönke Behrends'], True, []),
    ('Weakly supervised causal representation learning', ['Johann Brehmer', 'Pim de Haan', 'Phillip Lippe'], True, []),
    ('CITRIS: Causal Identifiability from Temporal Intervened Sequences', ['Phillip Lippe', 'Sara Magliacane', 'Sindy Löwe'], True, []),
    ('Implicit Neural Video Compression', ['Yunfan Zhang', 'Ties van Rozendaal', 'Johann Brehmer'], True, []),
    ('Efficient Neural Causal Discovery without Acyclicity Constraints', ['Phillip Lippe', 'Taco Cohen', 'Efstratios Gavves'], False, []),
    ('Geometric Deep Learning: Grids, Groups, Graphs, Geodesics, and Gauges', ['Michael M. Bronstein', 'Joan Bruna', 'Taco Cohen'], True, []),
    ('Parallelized Rate-Distortion Optimized Quantization Using Deep Learning', ['Dana Kianfar', 'Auke Wiggers', 'Amir Said'], True, []),
    ('Natural Graph Networks', ['Pim de Haan', 'Taco Cohen', 'Max Welling'], False, []),
    ('Adversarial Distortion for Learned Video Compression', ['Vijay Veerabadran', 'Reza Pourreza', 'Amirhossein Habibian'], True, []),
    ('Gauge Equivariant Mesh CNNs: Anisotropic convolutions on geometric graphs', ['Pim de Haan', 'Maurice Weiler', 'Taco Cohen'], True, []),
    ('A General Theory of Equivariant CNNs on Homogeneous Spaces', ['Taco Cohen', 'Mario Geiger', 'Maurice Weiler'], False, []),
    ('3D Steerable CNNs: Learning Rotationally Equivariant Features in Volumetric Data', ['Maurice Weiler', 'Mario Geiger', 'Max Welling'], True, []),
    ('Rotation Equivariant CNNs for Digital Pathology', ['Bastiaan S. Veeling', 'Jasper Linmans', 'Jim Winkens'], True, []),
    ('Convolutional Networks for Spherical Signals', ['Taco Cohen', 'Mario Geiger', 'Jonas Köhler'], True, []),
    ('Teacher-Student Curriculum Learning', ['Tambet Matiisen', 'Avital Oliver', 'Taco Cohen'], True, []),
    ('Learning the Irreducible Representations of Commutative Lie Groups', ['Taco Cohen', 'Max Welling'], False, []),
]

LAYOUTS = {
    "000_cfedf0f11e6c4eb6.txt": ("header-byline", 39),
    "001_ad0182c05abba942.txt": ("alternating", 119),
    "002_6a21416bcf0f3868.txt": ("blocks-meta", 26),
    "003_48efd7df8565b8e3.txt": ("blocks-plain", 79),
}

#: the same paper in two listings: (title, line in 001 (alternating), line in 002 (blocks-meta))
DUPLICATES = [
    ("Regularizing Towards Soft Equivariance Under Mixed Symmetries", 25, 49),
    ("Lie Group Decompositions for Equivariant Neural Networks", 33, 169),
    ("EqMotion: Equivariant Multi-agent Motion Prediction with Invariant Interaction Reasoning", 35, 65),
    ("Frame Averaging for Invariant and Equivariant Network Design", 43, 41),
    ("Automatic Data Augmentation via Invariance-Constrained Learning", 71, 145),
    ("PFGM++: Unlocking the Potential of Physics-Inspired Generative Models", 101, 185),
    ("Subequivariant Graph Reinforcement Learning in 3D Environments", 165, 33),
    ("Approximately Piecewise E(3) Equivariant Point Networks", 177, 161),
]


@pytest.fixture(scope="module")
def result():
    return read_paths([CORPUS])


@pytest.mark.parametrize("name", sorted(LAYOUTS))
def test_each_file_is_read_in_its_layout_with_every_entry(name):
    layout, count = LAYOUTS[name]
    assert file_layout(CORPUS / name) == layout
    entries = list(iter_entries(CORPUS / name, strict=True))
    assert len(entries) == count
    assert all(isinstance(e, Paper) and e.sources[0].layout == layout for e in entries)


def test_all_39_bylines_are_split_exactly():
    papers = list(iter_entries(CORPUS / BYLINE_FILE, strict=True))
    got = [(p.title, p.authors, p.et_al, p.orgs) for p in papers]
    assert len(got) == 39
    for expected, actual in zip(BYLINES, got):
        assert actual == expected


def test_each_byline_split_rebuilds_its_raw_line():
    lines = (CORPUS / BYLINE_FILE).read_text(encoding="utf-8").split("\n")
    for paper in iter_entries(CORPUS / BYLINE_FILE, strict=True):
        raw = lines[paper.sources[0].line]  # the byline follows the header line
        rebuilt = paper.title + ", ".join(paper.authors)
        rebuilt += " et al." if paper.et_al else ""
        rebuilt += " · " + ", ".join(paper.orgs) if paper.orgs else ""
        assert rebuilt == raw


def test_byline_listing_dates_and_flags():
    papers = {p.title: p for p in iter_entries(CORPUS / BYLINE_FILE)}
    onexp = papers["On the Expressive Power of Geometric Graph Neural Networks"]
    assert (onexp.date.iso, onexp.date.precision, onexp.category, onexp.has_code) == (
        "2023-01-23", "day", "LG", True)
    dive = papers["A Deep Dive into Scaling RL for Code Generation with Synthetic Data and Curricula"]
    assert dive.date.year is None and dive.date.iso == "--03-25" and dive.date.precision == "month-day"
    assert papers["UMA: A Family of Universal Models for Atoms"].orgs == ["baidu", "cmu"]


def test_263_entries_become_255_unique_papers(result):
    assert result.entries == 263
    assert result.skipped == []
    assert len(result.papers) == 255
    assert sum(len(p.sources) for p in result.papers) == 263
    assert len({p.id for p in result.papers}) == 255


def test_every_duplicate_is_merged_with_both_sources(result):
    merged = {p.title: p for p in result.papers if len(p.sources) > 1}
    assert sorted(merged) == sorted(t for t, _, _ in DUPLICATES)
    for title, line_b, line_c in DUPLICATES:
        paper = merged[title]
        assert [(Path(s.source).name, s.line, s.layout) for s in paper.sources] == [
            ("001_ad0182c05abba942.txt", line_b, "alternating"),
            ("002_6a21416bcf0f3868.txt", line_c, "blocks-meta"),
        ]
        # the metadata of the (c) listing survives the merge
        assert paper.author_count is not None and paper.date.precision == "day"


def test_page_furniture_and_page_dates_never_become_papers(result):
    titles = {p.title for p in result.papers}
    for furniture in ("new", "Subscribe", "Daily Papers", "Feb 17", "Jun 3", "OSZAR »",
                      "byAK and the research community", "Get trending papers in your email inbox!"):
        assert furniture not in titles
    assert not any(t.startswith(("Subscribe", "Get trending")) for t in titles)
    first_b = next(p for p in result.papers if p.sources[0].source.endswith("001_ad0182c05abba942.txt"))
    assert first_b.title.startswith("Anatomical Invariance Modeling")
    # the page date "Feb 17" dates no entry: the first (c) entry has no metadata and no date
    unveiling = next(p for p in result.papers if p.title.startswith("Unveiling Implicit Advantage"))
    assert unveiling.date is None and unveiling.sources[0].line == 13


def test_layout_c_dates_with_upvotes(result):
    papers = {p.title: p for p in result.papers}
    flow = papers["Flow Equivariant World Models: Memory for Partially Observed Dynamic Environments"]
    assert (flow.date.iso, flow.date.precision, flow.upvotes, flow.author_count) == ("--01-03", "month-day", 2, 5)
    rnn = papers["Flow Equivariant Recurrent Neural Networks"]
    assert (rnn.date.iso, rnn.upvotes, rnn.author_count) == ("2025-07-19", 1, 1)
