"""The deterministic demo: generated import files over the real divisions, loaded through the importer."""

from rcdash.demo.build import SCALES, DemoBuildError, build_demo, check_replaceable, default_files_dir
from rcdash.demo.story import DEFAULT_SEED
from rcdash.demo.verify import StoryFigures, story_figures, story_plans, story_problems

__all__ = [
    "DEFAULT_SEED", "SCALES", "DemoBuildError", "StoryFigures", "build_demo", "check_replaceable",
    "default_files_dir", "story_figures", "story_plans", "story_problems",
]
