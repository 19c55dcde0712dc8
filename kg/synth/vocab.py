"""Word lists the generator recombines: made-up but plausible names, written for this project.

Nothing here is taken from a real listing: people, organisations and concepts are coined by
recombining the parts below, so a synthetic corpus never leaks into evaluation data.
"""

from __future__ import annotations

FIRST_NAMES = (
    "Aiko", "Alba", "Amara", "Anders", "Anika", "Arjun", "Astrid", "Bao", "Beatriz", "Bela", "Bruno",
    "Camila", "Chiara", "Chidi", "Dalia", "Dario", "Deniz", "Dmitri", "Elif", "Elio", "Emeka", "Esra",
    "Farah", "Felix", "Freya", "Gael", "Greta", "Hana", "Hamid", "Hugo", "Ines", "Ingrid", "Ishaan",
    "Jonas", "Jun", "Kaito", "Kamala", "Karim", "Kenji", "Lale", "Lars", "Leila", "Lena", "Liang",
    "Lucia", "Luka", "Mads", "Maren", "Mateo", "Mei", "Mina", "Nadia", "Nikhil", "Nils", "Noor",
    "Oskar", "Pablo", "Priya", "Quentin", "Rafael", "Rania", "Rohan", "Sanne", "Sara", "Selin",
    "Shun", "Sofia", "Stellan", "Tamar", "Teo", "Thandi", "Tomas", "Uma", "Valeria", "Vikram",
    "Wen", "Xiu", "Yara", "Yusuf", "Zeynep", "Zhiwei", "Zofia", "Émile", "Søren", "Zoë",
)

#: syllables recombined into surnames: 'Vander' + 'holt' -> 'Vanderholt'
SURNAME_HEADS = (
    "Al", "Bar", "Bel", "Ber", "Cal", "Dal", "Dor", "Eck", "Fal", "Gar", "Hal", "Hart", "Ka", "Kor",
    "Lin", "Mar", "Mor", "Nak", "Nor", "Os", "Pel", "Quin", "Ros", "Sal", "Sor", "Tak", "Tor", "Val",
    "Van", "Wes", "Yam", "Zan", "Ash", "Brand", "Cres", "Dun", "Ferr", "Gold", "Holm", "Lund",
)
SURNAME_TAILS = (
    "berg", "ford", "holt", "mann", "ström", "ville", "ani", "ara", "ez", "ini", "ova", "ski", "sen",
    "ton", "wick", "ada", "oto", "ura", "ić", "ley", "ard", "ino", "ow", "by", "stein", "kov", "ridge",
    "dahl", "ello", "eira",
)
NAME_PARTICLES = ("van", "de", "da", "von", "di")

GROUP_AUTHORS = ("{org} Research team", "{org} Foundation Models team", "{org} Agents team")

#: organisation slugs, made up: recombined places and kinds
ORG_PLACES = (
    "aldera", "borealis", "caldwell", "dunmore", "eastvale", "fjordheim", "glenrock", "harbor",
    "ironwood", "juniper", "kestrel", "lakeshore", "meridian", "northfield", "oakmont", "pinecrest",
    "quarry", "riverton", "saltmarsh", "thornbury", "umber", "vantage", "westbrook", "yellowpine",
)
ORG_KINDS = ("ai", "labs", "uni", "tech", "research", "institute", "ml", "cs")

#: parts of coined method names: 'Vor' + 'tex' -> 'Vortex', 'Neu' + 'Flux' -> 'NeuFlux'
NAME_HEADS = (
    "Astra", "Bolt", "Cere", "Dyna", "Echo", "Flux", "Gala", "Hexa", "Iris", "Juno", "Kine", "Luma",
    "Meta", "Nova", "Omni", "Pyra", "Quanta", "Rho", "Sigma", "Terra", "Ultra", "Vela", "Wave",
    "Xeno", "Yotta", "Zeta", "Neuro", "Graph", "Para", "Proto",
)
NAME_TAILS = (
    "Net", "Former", "Flow", "Mind", "Coder", "Diff", "GNN", "Mix", "Prompt", "Tune", "Nav", "Seg",
    "Gen", "Fuse", "Lens", "Plan", "Search", "Zero", "Bench", "RL",
)

#: words of long forms: '<adjective> <modifier> <head>' -> 'Hierarchical Contrastive Policy Optimization'
ADJECTIVES = (
    "Adaptive", "Asymmetric", "Bayesian", "Causal", "Conditional", "Contrastive", "Continual",
    "Decoupled", "Dense", "Differentiable", "Dynamic", "Equivariant", "Federated", "Gated",
    "Geometric", "Hierarchical", "Implicit", "Invariant", "Latent", "Masked", "Modular", "Multi-scale",
    "Neural", "Probabilistic", "Progressive", "Recurrent", "Robust", "Sparse", "Spectral",
    "Stochastic", "Structured", "Temporal", "Unified", "Variational",
)
MODIFIERS = (
    "Attention", "Diffusion", "Graph", "Policy", "Reward", "Token", "Memory", "Retrieval", "Prototype",
    "Feature", "Gradient", "Kernel", "Message", "Preference", "Trajectory", "Curriculum", "Mixture",
    "Residual", "Routing", "Energy", "Flow", "Advantage", "Value", "Patch",
)
HEADS = (
    "Networks", "Transformers", "Optimization", "Estimation", "Learning", "Distillation", "Alignment",
    "Sampling", "Encoders", "Models", "Search", "Regularization", "Fine-Tuning", "Pretraining",
    "Decoding", "Matching", "Aggregation", "Propagation",
)

TASKS = (
    "code generation", "image classification", "semantic segmentation", "machine translation",
    "question answering", "molecule generation", "link prediction", "node classification",
    "text summarization", "object detection", "speech recognition", "program repair",
    "mathematical reasoning", "domain generalization", "few-shot learning", "motion prediction",
    "3D reconstruction", "protein structure prediction", "time series forecasting",
    "visual question answering", "recommendation", "anomaly detection", "instruction following",
    "continual learning", "offline reinforcement learning", "text-to-image generation",
)

METRICS = (
    "accuracy", "pass@1", "F1", "exact match", "BLEU", "ROUGE-L", "mIoU", "mAP", "top-1 accuracy",
    "AUROC", "word error rate", "success rate", "MAE", "Hits@10", "win rate",
)

#: data set and benchmark coinage: '<Head><Suffix>' -> 'VelaQA', 'Terra-Bench'
DATA_SUFFIXES = ("QA", "-Bench", "Set", "-1K", "-10K", "Eval", "Arena", "-Hard", "Suite", "100")

THINGS = (
    "annotated dialogues", "code repositories", "molecular graphs", "video clips", "math problems",
    "image-caption pairs", "scientific abstracts", "robot trajectories", "user sessions",
    "satellite images",
)
MECHANISMS = (
    "a learned routing gate", "a curriculum over task difficulty", "an asymmetric advantage term",
    "a memory of past trajectories", "equivariant message passing", "a sparse mixture of experts",
    "a contrastive auxiliary loss", "adaptive length penalties", "a hierarchical latent prior",
    "a retrieval module over past solutions", "low-rank adapters", "a step-wise reward",
)
PROBLEMS = (
    "poor sample efficiency", "unstable training", "weak generalization to unseen domains",
    "high memory cost", "reward hacking", "slow inference", "brittle behaviour under distribution shift",
    "a reliance on large labelled datasets", "quadratic cost in sequence length",
)

ARXIV_CATEGORIES = ("LG", "LG", "LG", "LG", "CL", "CV", "AI", "ML", "RO", "IV", "SE", "NE")
MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")
