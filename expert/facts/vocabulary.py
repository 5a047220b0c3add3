"""The fact vocabulary: what a profile may say about a company, its needs and its offers.

Every field a rule may test is declared here, so the knowledge loader can check rule
files against it.  "Unknown is not false": a field the user leaves out is ``None`` and
rules can tell "not stated" apart from "no".  Unknown keys are rejected and every number
is range-checked, so nothing loose ever reaches the inference engine.
"""

# No ``from __future__ import annotations`` here: with it every field's annotation is a
# string that pydantic compiles and evaluates again at each start (about 2 ms).
import math
import re
from enum import Enum
from types import UnionType
from typing import Annotated, Literal, Optional, Union, get_args, get_origin

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator, model_validator


def _describe(schema: dict, model: type) -> None:
    """Each field's description in the JSON Schema (``descriptions.py``: the question texts)."""
    from expert.facts.descriptions import describe_properties

    describe_properties(schema, _SCHEMA_PATHS.get(model.__name__, ""))


class _Strict(BaseModel):
    """Base for all input models: unknown keys are errors, NaN/inf are refused, and the
    shapes are strict where pydantic is lax: true/false is not a number (``mau: true`` is
    not 1), a list is a list (not a set, a generator or a string), and text holds no
    control characters (a name is printed on terminals: an escape sequence in it could
    retitle or drive the reader's terminal)."""

    # defer_build: pydantic builds a model's schema on the model's first use, not at import.  Building
    # all twelve is most of this module's import (about 20 ms of a one-shot command's start), and a
    # process that loaded its knowledge from a snapshot validates its first profiles with the fast
    # validator the snapshot carries (``facts/validation.py``), so none is built at all then.
    model_config = ConfigDict(extra="forbid", allow_inf_nan=False, use_enum_values=False, json_schema_extra=_describe,
                              defer_build=True)

    @field_validator("*", mode="before")
    @classmethod
    def _strict_shape(cls, value: object, info: ValidationInfo) -> object:
        if value is None:
            return value
        number, is_list = _field_shape(cls, info.field_name)
        if isinstance(value, bool):
            if number:
                raise ValueError("expected a number, not true/false")
        elif is_list and not isinstance(value, (list, tuple)):
            raise ValueError(f"expected a list, got {type(value).__name__}")
        elif isinstance(value, str):
            if _CONTROL.search(value):
                raise ValueError("control characters (escape, bell, NUL, line breaks...) are not accepted in text")
        elif isinstance(value, _BINARY):  # YAML's !!binary: pydantic would decode it unchecked
            raise ValueError("expected text or a number, not binary data")
        elif isinstance(value, (list, tuple)):
            if any(isinstance(v, (list, tuple, set, frozenset)) for v in value):
                raise ValueError("expected a list of values, got a list inside a list")  # (and never a deep recursion)
            if any(isinstance(v, _BINARY) for v in value):
                raise ValueError("expected text or a number, not binary data")
            if any(isinstance(v, str) and _CONTROL.search(v) for v in value):
                raise ValueError("control characters (escape, bell, NUL, line breaks...) are not accepted in text")
        return value


_CONTROL = re.compile("[\x00-\x1f\x7f-\x9f]")  # C0, DEL and C1: what drives a terminal
_BINARY = (bytes, bytearray, memoryview)  # never a profile value: refused before pydantic decodes it as text


_FIELD_SHAPES: dict[tuple[type, str], tuple[bool, bool]] = {}


def _field_shape(model: type, name: str) -> tuple[bool, bool]:
    """(a number that true/false must not stand for, a list) for one field, worked out once
    per model and field: this runs for every field of every profile validated."""
    shape = _FIELD_SHAPES.get((model, name))
    if shape is None:
        kinds = _kinds(model.model_fields[name].annotation)
        shape = _FIELD_SHAPES[(model, name)] = (bool not in kinds and bool(kinds & {int, float}), "list" in kinds)
    return shape


def _kinds(annotation: object) -> set:
    """The plain types an annotation admits ("list" for a list), through Optional/Annotated/Union."""
    origin = get_origin(annotation)
    if origin is list:
        return {"list"}
    if origin is Annotated:
        return _kinds(get_args(annotation)[0])
    if origin is Union or origin is UnionType:
        return set().union(*(_kinds(arg) for arg in get_args(annotation)))
    return {annotation}


class CompanySize(str, Enum):
    micro = "micro"  # fewer than 10 people
    small = "small"  # 10-99
    medium = "medium"  # 100-999
    large = "large"  # 1,000 and more


class Stage(str, Enum):
    idea = "idea"
    startup = "startup"
    growth = "growth"
    mature = "mature"


class Industry(str, Enum):
    social = "social"
    education = "education"
    healthcare = "healthcare"
    finance = "finance"
    ecommerce = "ecommerce"
    gaming = "gaming"
    enterprise_collaboration = "enterprise_collaboration"
    customer_service = "customer_service"
    media_entertainment = "media_entertainment"
    government = "government"
    other = "other"


class DataSensitivity(str, Enum):
    low = "low"
    medium = "medium"
    high = "high"
    regulated = "regulated"  # health, finance, government data under regulation


class SkillLevel(str, Enum):
    none = "none"
    basic = "basic"
    strong = "strong"


class Capability(str, Enum):
    """The catalogue of capabilities a company can require and an offer can provide."""

    text_messaging = "text_messaging"
    voice_messages = "voice_messages"
    group_chat = "group_chat"
    voice_calls = "voice_calls"
    video_calls = "video_calls"
    hd_video = "hd_video"
    ultra_hd_video = "ultra_hd_video"  # 2K/4K
    screen_sharing = "screen_sharing"
    large_events = "large_events"  # events with many concurrent participants
    ultra_low_latency = "ultra_low_latency"
    weak_network_resilience = "weak_network_resilience"
    customer_service_bot = "customer_service_bot"
    conversational_ai = "conversational_ai"  # voice agents on an LLM
    multimodal_ai_assistant = "multimodal_ai_assistant"
    ai_analytics = "ai_analytics"
    dedicated_resources = "dedicated_resources"
    recording = "recording"
    moderation = "moderation"
    translation = "translation"
    message_history = "message_history"  # long retention / search
    global_coverage = "global_coverage"
    compliance_certifications = "compliance_certifications"  # SSO, HIPAA, audits
    hd_audio = "hd_audio"  # high-fidelity / music-grade audio quality
    noise_suppression = "noise_suppression"  # AI noise suppression
    transcription = "transcription"  # real-time transcription or captions
    virtual_backgrounds = "virtual_backgrounds"
    spatial_audio = "spatial_audio"
    whiteboard = "whiteboard"  # interactive whiteboard
    beauty_filters = "beauty_filters"  # face beautification / AR filters
    media_encryption = "media_encryption"  # end-to-end media encryption


class PainPoint(str, Enum):
    video_quality = "video_quality"
    latency = "latency"
    concurrency_cap = "concurrency_cap"
    weak_network = "weak_network"
    missing_capability = "missing_capability"
    audio_quality = "audio_quality"  # noise, echo or poor sound hurt calls


class PricingModel(str, Enum):
    freemium = "freemium"  # free base, paid advanced features / tiers
    usage_based = "usage_based"  # pay as you go by minutes, traffic or MAU
    fixed_subscription = "fixed_subscription"  # a fixed monthly plan or prepaid package (P18's contrast)
    buyout = "buyout"  # one-time purchase, nothing more
    buyout_subscription = "buyout_subscription"  # one-time base + yearly maintenance
    ad_or_data_funded = "ad_or_data_funded"  # free, paid for by ads or by data


class Availability(str, Enum):
    included = "included"  # in the plan being weighed, no extra charge
    paid = "paid"  # offered, at an extra charge
    unavailable = "unavailable"


class FinancialStrength(str, Enum):
    strong = "strong"
    moderate = "moderate"
    weak = "weak"


class MarketPosition(str, Enum):
    leader = "leader"
    established = "established"
    challenger = "challenger"
    newcomer = "newcomer"


class DocsQuality(str, Enum):
    good = "good"
    adequate = "adequate"
    poor = "poor"


class DataUsePolicy(str, Enum):
    no_secondary_use = "no_secondary_use"
    aggregated_analytics = "aggregated_analytics"
    monetizes_customer_data = "monetizes_customer_data"


class UpgradeKind(str, Enum):
    feature = "feature"  # adds a capability
    version_update = "version_update"  # bug fixes and stability only
    mixed = "mixed"  # both


Money = Annotated[float, Field(ge=0, le=1e9)]
PriceOrUnknown = Union[Money, Literal["unknown"]]


AddonName = Annotated[str, Field(min_length=1, max_length=60)]


def _price_only_when_paid(item):
    """An offered capability or add-on carries a price only when it is sold as a paid extra."""
    if item.availability is not Availability.paid and item.monthly_price_usd not in (None, 0):
        raise ValueError("monthly_price_usd is only for availability 'paid'")
    return item


def _plain_name(value: str) -> str:
    if value.strip() != value or _CONTROL.search(value):  # _CONTROL: exactly Unicode's Cc (a test checks)
        raise ValueError("must not start or end with spaces nor contain control characters")
    return value


class _NamedAddon(_Strict):
    """An add-on outside the catalogue, known by its name alone."""

    name: AddonName

    @field_validator("name")
    @classmethod
    def _plain(cls, value: str) -> str:
        return _plain_name(value)


class CustomAddon(_NamedAddon):
    """An add-on the capability catalogue does not name, and whether the company requires it."""

    required: bool


class OfferAddon(_NamedAddon):
    """How an offer provides a custom add-on (named as in ``needs.custom_addons``)."""

    availability: Availability
    monthly_price_usd: Optional[PriceOrUnknown] = None

    _paid_only = model_validator(mode="after")(_price_only_when_paid)


def _unique_names(value: Optional[list], what: str) -> Optional[list]:
    if value is not None:
        names = [item if isinstance(item, str) else item.name for item in value]
        if len(set(names)) != len(names):
            raise ValueError(f"each {what} may be listed once")
    return value


class InHouseEstimate(_Strict):
    """What building the capability in-house would cost, in the company's own figures."""

    engineer_months: Annotated[float, Field(gt=0, le=10_000)]
    monthly_cost_per_engineer_usd: Money
    monthly_running_cost_usd: Optional[Money] = None


class Company(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=120)] = "company"
    size: Optional[CompanySize] = None
    stage: Optional[Stage] = None
    industry: Optional[Industry] = None
    data_sensitivity: Optional[DataSensitivity] = None
    rtc_engineering: Optional[SkillLevel] = None
    ai_engineering: Optional[SkillLevel] = None
    growth_rate_pct_per_year: Optional[Annotated[float, Field(ge=-100, le=10_000)]] = None
    can_forecast_usage_costs: Optional[bool] = None
    monthly_budget_usd: Optional[Money] = None
    in_house_estimate: Optional[InHouseEstimate] = None


class Usage(_Strict):
    monthly_minutes: Optional[Annotated[float, Field(ge=0, le=1e11)]] = None
    mau: Optional[Annotated[int, Field(ge=0, le=10_000_000_000)]] = None
    peak_to_average_ratio: Optional[Annotated[float, Field(ge=1, le=1000)]] = None
    largest_event_participants: Optional[Annotated[int, Field(ge=0, le=100_000_000)]] = None


class Needs(_Strict):
    capabilities: Optional[list[Capability]] = None
    pain_points: Optional[list[PainPoint]] = None
    usage: Optional[Usage] = None
    contract_months: Optional[Annotated[int, Field(ge=1, le=120)]] = None
    # Add-ons outside the catalogue, each required or optional; they count like catalogue
    # capabilities in must-have checks and in what an upgrade adds (see derive.py).
    custom_addons: Optional[Annotated[list[CustomAddon], Field(max_length=20)]] = None

    @field_validator("custom_addons")
    @classmethod
    def _unique_addons(cls, value: Optional[list]) -> Optional[list]:
        return _unique_names(value, "custom add-on")

    @field_validator("capabilities", "pain_points")
    @classmethod
    def _no_duplicates(cls, value: Optional[list]) -> Optional[list]:
        if value is not None and len(set(value)) != len(value):
            raise ValueError("list items must be unique")
        return value


class Vendor(_Strict):
    listed: Optional[bool] = None
    financial_strength: Optional[FinancialStrength] = None
    years_operating: Optional[Annotated[int, Field(ge=0, le=200)]] = None
    market_position: Optional[MarketPosition] = None
    sunset_announced: Optional[bool] = None
    raised_prices_after_integration: Optional[bool] = None
    broad_product_line: Optional[bool] = None


class OfferCapability(_Strict):
    capability: Capability
    availability: Availability
    monthly_price_usd: Optional[PriceOrUnknown] = None

    _paid_only = model_validator(mode="after")(_price_only_when_paid)


class Prices(_Strict):
    """List prices in US dollars (convert other currencies before asking)."""

    monthly_fee_usd: Optional[Money] = None
    included_minutes: Optional[Annotated[float, Field(ge=0, le=1e11)]] = None
    per_1000_minutes_usd: Optional[Money] = None
    per_mau_usd: Optional[Money] = None
    one_time_fee_usd: Optional[Money] = None
    yearly_maintenance_usd: Optional[Money] = None


class Offer(_Strict):
    name: Annotated[str, Field(min_length=1, max_length=80)]
    vendor: Optional[Vendor] = None
    pricing_model: Optional[PricingModel] = None
    capabilities: Optional[list[OfferCapability]] = None
    prices: Optional[Prices] = None
    charges_for_version_updates: Optional[bool] = None
    buyout_includes_updates: Optional[bool] = None
    free_tier_hard_cap: Optional[bool] = None
    docs_quality: Optional[DocsQuality] = None
    support_response_hours: Optional[Annotated[float, Field(ge=0, le=10_000)]] = None
    data_use_policy: Optional[DataUsePolicy] = None
    global_coverage: Optional[bool] = None
    max_concurrent_participants: Optional[Annotated[int, Field(ge=0, le=100_000_000)]] = None
    custom_addons: Optional[Annotated[list[OfferAddon], Field(max_length=20)]] = None

    @field_validator("custom_addons")
    @classmethod
    def _unique_offer_addons(cls, value: Optional[list]) -> Optional[list]:
        return _unique_names(value, "custom add-on")

    @field_validator("name")
    @classmethod
    def _not_reserved(cls, value: str) -> str:
        if value.strip() != value or value.lower() == "company" or value == "*":
            raise ValueError("must not be 'company' or '*' nor start or end with spaces")
        if _CONTROL.search(value):  # the characters of Unicode category Cc, without a call per character
            raise ValueError("must not contain control characters")
        return value

    @field_validator("capabilities")
    @classmethod
    def _one_entry_per_capability(cls, value: Optional[list]) -> Optional[list]:
        if value is not None:
            names = [item.capability for item in value]
            if len(set(names)) != len(names):
                raise ValueError("each capability may be listed once")
        return value


class Upgrade(_Strict):
    offer: Optional[Annotated[str, Field(min_length=1, max_length=80)]] = None
    kind: Optional[UpgradeKind] = None
    adds_capabilities: Optional[list[Capability]] = None
    fixes_pain_points: Optional[list[PainPoint]] = None
    monthly_price_usd: Optional[Money] = None
    one_time_price_usd: Optional[Money] = None
    # True: the price is the yearly maintenance fee already contracted, not an extra charge.
    billed_through_maintenance: Optional[bool] = None
    adds_custom_addons: Optional[Annotated[list[AddonName], Field(max_length=20)]] = None

    @field_validator("adds_custom_addons")
    @classmethod
    def _unique_added(cls, value: Optional[list]) -> Optional[list]:
        if value is not None:
            for name in value:
                _plain_name(name)
        return _unique_names(value, "custom add-on")


def _empty_list() -> list:
    """A new empty list; a default factory written in Python, because pydantic reads the
    signature of each factory and a builtin's (``list``) costs every start about 4 ms."""
    return []


class Profile(_Strict):
    """One consultation's input: the company, its needs, the offers and the upgrade weighed."""

    company: Company = Field(default_factory=Company)
    needs: Needs = Field(default_factory=Needs)
    offers: Annotated[list[Offer], Field(max_length=20)] = Field(default_factory=_empty_list)
    upgrade: Optional[Upgrade] = None
    # Consultation bookkeeping, not a fact: the facts already asked (answered, or "don't
    # know"), so a resumed or stateless consultation never asks one twice.  Advice ignores it.
    asked: Annotated[list[Annotated[str, Field(min_length=1, max_length=200)]], Field(max_length=500)] = \
        Field(default_factory=_empty_list)

    @model_validator(mode="after")
    def _offers_consistent(self) -> "Profile":
        names = [offer.name for offer in self.offers]
        if len(set(names)) != len(names):
            raise ValueError("offers: each offer needs a distinct name")
        if self.upgrade is not None and self.upgrade.offer is not None and self.upgrade.offer not in names:
            raise ValueError(f"upgrade.offer: {self.upgrade.offer!r} is not the name of an offer in offers")
        return self


# Where each model sits in a profile, as questions.yaml names fields ("[]": a list's items).
_SCHEMA_PATHS = {"Profile": "", "Company": "company", "InHouseEstimate": "company.in_house_estimate", "Needs": "needs",
                 "Usage": "needs.usage", "CustomAddon": "needs.custom_addons[]", "Offer": "offer", "Vendor": "offer.vendor",
                 "Prices": "offer.prices", "OfferCapability": "offer.capabilities[]", "OfferAddon": "offer.custom_addons[]",
                 "Upgrade": "upgrade"}


def is_finite_number(value: object) -> bool:
    """True for real numbers that are neither NaN nor infinite (bools excluded)."""
    return isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value)
