"""Plans as data (DESIGN §8): the seed plan shipped as TOML, more imported into the database, the one for a date."""

from rcdash.plans.model import Plan, PlanRefused, PlanUnreadable, parse, read_file, seed_plan
from rcdash.plans.stored import UnknownPlan, all_plans, default_plan, get, is_stored, store

__all__ = ["Plan", "PlanRefused", "PlanUnreadable", "UnknownPlan", "all_plans", "default_plan", "get", "is_stored",
           "parse", "read_file", "seed_plan", "store"]
