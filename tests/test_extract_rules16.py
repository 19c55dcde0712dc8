"""Rules of session 11 on sentences we wrote; the tagger's output is set by hand."""

from __future__ import annotations

from rules_helpers import combined


def test_plural_of_a_typed_name_takes_its_kind():
    # ANNOTATION.md: each distinct string once per paper; "ZebNets" is the plural of the method "ZebNet"
    text = "Title\nWe propose ZebNet, a new architecture. Several ZebNets beat strong baselines."
    got = combined(text, [("ZebNet", "METHOD")], shapes=True)
    assert ("ZebNets", "METHOD") in got
    # no typed singular: the plural shape stays what the shape rules make of it, not a METHOD
    text = "Title\nSeveral ZebNets beat strong baselines on reading."
    assert ("ZebNets", "METHOD") not in combined(text, [], shapes=True)


def test_lowercase_prefix_and_size_suffix_make_variants_of_a_name():
    # "g-KPO" is a variant of "KPO" and a mention of its own, not the base name inside a modifier
    text = "Title\nWe build on KPO. Our g-KPO generalises it to any divergence."
    got = combined(text, [("KPO", "METHOD")], shapes=True)
    assert ("g-KPO", "METHOD") in got and ("KPO", "METHOD") in got
    # a released size of a model family is a model of that family
    text = "Title\nWe present Morla, a family of models. Morla-medium has 2B parameters."
    got = combined(text, [("Morla", "METHOD")], shapes=True)
    assert ("Morla-medium", "METHOD") in got
    # a modifier made from the name is not a variant: "Morla-based" names no new thing
    text = "Title\nWe present Morla. Morla-based agents solve the task."
    got = combined(text, [("Morla", "METHOD")], shapes=True)
    assert ("Morla-based", "METHOD") not in got


def test_name_between_an_article_and_a_method_head_is_a_method():
    # "a novel ZorbNet neural network architecture": the article introduces one thing, the head says it is a method
    text = "Title\nWe train an agent with a novel ZorbNet neural network architecture on web tasks."
    assert ("ZorbNet", "METHOD") in combined(text, [], shapes=True)
    # ordinary capitalised words joined by a hyphen name a thing only with their head (cf. "Bradley-Terry model")
    text = "Title\nWe then train a Quill-Marten network on the pairs."
    assert ("Quill-Marten network", "METHOD") in combined(text, [], shapes=True)
    # no article: the name may be data or a modifier ("ZorbNet model weights" after "on")
    text = "Title\nWe report results on ZorbNet model outputs."
    assert ("ZorbNet", "METHOD") not in combined(text, [], shapes=True)


def test_a_part_the_paper_introduces_keeps_its_head():
    # "we adopt a cross-voting mechanism": the modifiers name the part, its head is no generic word
    text = "Title\nTo reduce label noise, we adopt a cross-voting mechanism to filter samples."
    assert ("cross-voting mechanism", "METHOD") in combined(text, [])
    text = "Title\nWe learn a garment shape prior for body vertices from scans."
    assert ("garment shape prior", "METHOD") in combined(text, [])
    # evaluative lead words are not part of the name
    text = "Title\nWe design an end-to-end differentiable rasterizer renderer that handles meshes."
    assert ("differentiable rasterizer renderer", "METHOD") in combined(text, [])
    # the head is a modifier when a noun follows it: "a prior distribution" is a distribution
    text = "Title\nWe use a disentangled multimodal prior distribution over codes."
    assert not any(s.endswith("prior") for s, _ in combined(text, []))
    # no introducing verb with an article: a mention in passing is not proposed as a name
    text = "Title\nThe gating mechanism of LSTMs is well studied."
    assert ("gating mechanism", "METHOD") not in combined(text, [])


def test_title_purpose_at_the_end_of_the_title_is_a_task():
    # the abstract's first capital after the line break does not continue the title's phrase
    text = "Learning to Plan via Sketches for Geometric Reasoning\nHumans plan with sketches. We study it."
    assert ("Geometric Reasoning", "TASK") in combined(text, [])
    # a capitalised word on the title's own line does continue it: no cut phrase
    text = "Sketches for Geometric Reasoning Tasks Revisited\nHumans plan with sketches."
    assert ("Geometric Reasoning", "TASK") not in combined(text, [])


def test_a_one_word_task_names_an_activity_or_a_field():
    # ANNOTATION.md: a TASK is a research problem; one word names one only as an action or a field
    text = "Title\nWe study how agents learn from video and text."
    got = combined(text, [("video", "TASK")])
    assert ("video", "TASK") not in got
    text = "Title\nWe study Linear probes and segmentation."
    got = combined(text, [("Linear", "TASK"), ("segmentation", "TASK")])
    assert ("Linear", "TASK") not in got and ("segmentation", "TASK") in got
    # fields, acronyms and hyphenated actions stay tasks
    text = "Title\nWe apply it to robotics, ASR and re-identification."
    got = combined(text, [("robotics", "TASK"), ("ASR", "TASK"), ("re-identification", "TASK")])
    assert {("robotics", "TASK"), ("ASR", "TASK"), ("re-identification", "TASK")} <= got


def test_a_one_word_method_is_a_name_or_a_noun_not_an_adjective():
    text = "Title\nWe fit a Gaussian to the codes and train with backpropagation and Adam."
    got = combined(text, [("Gaussian", "METHOD"), ("backpropagation", "METHOD"), ("Adam", "METHOD")])
    assert ("Gaussian", "METHOD") not in got
    assert {("backpropagation", "METHOD"), ("Adam", "METHOD")} <= got
    # a multi-word name keeps its adjective
    text = "Title\nWe use Gaussian processes."
    assert ("Gaussian processes", "METHOD") in combined(text, [("Gaussian processes", "METHOD")])


def test_two_capitalised_words_before_a_title_colon_name_the_contribution():
    text = "Quartz Lantern: Fast Sampling on Polytopes\nWe present a sampler for polytopes."
    assert ("Quartz Lantern", "METHOD") in combined(text, [])
    # a verb, a function word or a generic head makes a topic, not a name
    for lead in ("Unveiling Symmetry", "Learning Dynamics", "Graph Networks", "Beyond Likelihood"):
        text = f"{lead}: A Study of Polytopes\nWe study polytopes."
        assert (lead, "METHOD") not in combined(text, [])


def test_a_data_sets_split_or_image_size_belongs_to_its_name():
    text = "Title\nOur model improves pass@1 on ZebBench/hard by 3% and reaches 71% on ZebNet 32x32."
    got = combined(text, [("ZebBench", "BENCHMARK"), ("ZebNet", "BENCHMARK")])
    assert {("ZebBench/hard", "BENCHMARK"), ("ZebNet 32x32", "BENCHMARK")} <= got
    # a slash to another word or a count after the name is not part of it
    text = "Title\nWe report 71% on ZebBench/ZebNet and 32 images of ZebSet 10 times."
    got = combined(text, [("ZebBench", "BENCHMARK"), ("ZebSet", "BENCHMARK")])
    assert ("ZebBench", "BENCHMARK") in got and ("ZebSet", "BENCHMARK") in got


def test_a_phrase_that_modifies_a_theory_query_or_module_head_is_no_concept_there():
    text = "Title\nOur bound follows from statistical learning theory and needs few stochastic gradient queries."
    got = combined(text, [("statistical learning", "TASK"), ("stochastic gradient", "METHOD")])
    assert ("statistical learning", "TASK") not in got and ("stochastic gradient", "METHOD") not in got
    text = "Title\nA pose regression module follows the encoder."
    assert ("pose regression", "METHOD") not in combined(text, [("pose regression", "METHOD")])
    # the same phrase alone elsewhere is still a concept
    text = "Title\nWe train with stochastic gradient descent and study stochastic gradient methods."
    assert ("stochastic gradient descent", "METHOD") in combined(text, [("stochastic gradient descent", "METHOD")])
    # a capitalised name before a module keeps its mention
    text = "Title\nThe Flux module replaces attention."
    assert ("Flux", "METHOD") in combined(text, [("Flux", "METHOD")])


def test_title_phrase_after_a_non_concept_conjunct_is_no_name():
    # elliptic coordination: "Drift-Free and Noise-Robust Policy Learning" shares one head; the tagger's span after
    # "and" is a fragment
    text = "Drift-Free and Noise-Robust Policy Learning for Robots\nWe study policy learning."
    got = combined(text, [("Noise-Robust Policy Learning", "METHOD"), ("policy learning", "METHOD")])
    assert ("Noise-Robust Policy Learning", "METHOD") not in got and ("policy learning", "METHOD") in got
    # a conjunct that is a concept itself: the phrase after "and" is a name of its own
    text = "Graph Sampling and Hyperparameter Tuning for Robots\nWe study both."
    got = combined(text, [("Graph Sampling", "METHOD"), ("Hyperparameter Tuning", "TASK")])
    assert ("Hyperparameter Tuning", "TASK") in got


def test_a_mathematical_object_is_no_method():
    text = "Title\nWe call the standard gradient operator and fit the variational posterior with Adam."
    got = combined(text, [("gradient operator", "METHOD"), ("variational posterior", "METHOD"), ("Adam", "METHOD")])
    assert ("gradient operator", "METHOD") not in got and ("variational posterior", "METHOD") not in got
    assert ("Adam", "METHOD") in got
    # a defined pair is the paper's own term, and a name with capitals is a name
    text = "Title\nWe learn Unsigned Distance Functions with a Tangent Kernel."
    got = combined(text, [("Unsigned Distance Functions", "METHOD")])
    assert ("Unsigned Distance Functions", "METHOD") in got


def test_a_phrase_glued_to_based_before_a_generic_head_is_the_name():
    text = "Title\nWe present Zeno, a stochastic mirror-based algorithm for ranking."
    got = combined(text, [("stochastic mirror-based algorithm", "METHOD")])
    assert ("stochastic mirror", "METHOD") in got and ("stochastic mirror-based algorithm", "METHOD") not in got
    # one word before "-based" names a family with its head ("gradient-based optimization", "energy-based models")
    text = "Title\nWe use gradient-based optimization throughout."
    assert ("gradient-based optimization", "METHOD") in combined(text, [("gradient-based optimization", "METHOD")])
    # a head that is no generic word keeps the phrase whole
    text = "Title\nWe add adaptive feature-based knowledge distillation."
    got = combined(text, [("adaptive feature-based knowledge distillation", "METHOD")])
    assert ("adaptive feature-based knowledge distillation", "METHOD") in got


def test_a_loss_or_scheme_after_an_action_noun_is_a_generic_head():
    text = "Title\nWe add a spectral regularization loss and a robust risk minimization scheme."
    got = combined(text, [("spectral regularization loss", "METHOD"), ("robust risk minimization scheme", "METHOD")])
    assert {("spectral regularization", "METHOD"), ("robust risk minimization", "METHOD")} <= got
    # a loss named by its kind keeps its head ("contrastive loss"), as does a mechanism
    text = "Title\nWe add a contrastive loss and an attention mechanism."
    got = combined(text, [("contrastive loss", "METHOD"), ("attention mechanism", "METHOD")])
    assert {("contrastive loss", "METHOD"), ("attention mechanism", "METHOD")} <= got


def test_a_name_after_a_task_and_with_is_the_data_it_is_done_with():
    text = "Title\nExperiments on 3D part segmentation with widely adopted ZebShapes40 and Toys9K show gains."
    got = combined(text, [], shapes=True)
    assert ("ZebShapes40", "BENCHMARK") in got and ("Toys9K", "BENCHMARK") in got
    # a plural acronym after "with" is a kind of model, not data
    text = "Title\nWe study incremental learning with PLMs in detail."
    assert not any(k in ("BENCHMARK", "DATASET") for s, k in combined(text, [], shapes=True) if s == "PLMs")


def test_a_star_ends_a_coined_name():
    text = "Title\nWe propose a simple method called ZIP* for continual learning."
    got = combined(text, [])
    assert ("ZIP*", "METHOD") in got and ("ZIP", "METHOD") not in got


def test_two_data_sets_joined_by_a_slash_are_two_names_where_one_stands_alone():
    text = "Title\nWe train on ZEB-10. Our model sets a record FID on ZEB-10/QUUX at 64x64 resolution."
    got = {s for s, _ in combined(text, [("ZEB-10", "BENCHMARK"), ("ZEB-10/QUUX", "BENCHMARK")])}
    assert "QUUX" in got and "ZEB-10/QUUX" not in got
    # never split in the text: one name ("CNN/DM")
    text = "Title\nOur summaries on ZEB/DM news articles reach a high ROUGE score."
    got = combined(text, [("ZEB/DM", "BENCHMARK")])
    assert ("ZEB/DM", "BENCHMARK") in got


def test_short_form_of_a_defined_mathematical_object_is_no_method_either():
    from kg.extract.adapters import find_abbreviation_pairs

    text = "Title\nWe reach a first-order stationary point (FOSP) quickly. Each FOSP is cheap to find."
    got = combined(text, [("FOSP", "METHOD")], pairs=find_abbreviation_pairs(text))
    assert not any(s == "FOSP" for s, _ in got)


def test_a_defined_term_that_describes_data_names_no_method():
    from kg.extract.adapters import find_abbreviation_pairs

    text = "Title\nWe study deep field (DF) image denoising. DF images are noisy; Deep Field data are rare."
    got = combined(text, [("DF", "METHOD"), ("Deep Field", "METHOD")], pairs=find_abbreviation_pairs(text))
    assert not any(s in ("DF", "deep field", "Deep Field") and k == "METHOD" for s, k in got)
    # a defined method followed by its head stays ("product quantization (PQ) method")
    text = "Title\nWe train with the product quantization (PQ) method on text."
    got = combined(text, [], pairs=find_abbreviation_pairs(text))
    assert ("PQ", "METHOD") in got
