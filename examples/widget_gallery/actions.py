"""The gallery's actions, typed. Widgets create their configs from the ``Action``
types below; the server parses what comes back into them before acting on it.

An action fired inside a form arrives with the form's values merged into its payload,
so for those the type the server parses (``…Submitted``) extends the one the widget
creates its config from.
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any, Literal

from pydantic import BaseModel, Field, TypeAdapter

from chatloom.actions import Action


class PlanChoice(BaseModel):
    plan: str


class Counter(BaseModel):
    step: int = Field(ge=1, le=10)


class Wait(BaseModel):
    behavior: str


class ReservationRef(BaseModel):
    reservation_id: str


class Guest(BaseModel):
    name: str = Field(min_length=1, max_length=80)
    email: str = Field(pattern=r"^[^@\s]+@[^@\s]+$")
    phone: str = ""


class Party(BaseModel):
    size: int = Field(ge=1, le=12)
    highchair: bool = False


class ReservationForm(ReservationRef):
    """A reservation as submitted: the reference plus the card's form fields."""

    guest: Guest
    party: Party
    date: date
    seating: Literal["inside", "terrace"]
    notes: str = Field(default="", max_length=500)


class Profile(BaseModel):
    display_name: str = Field(min_length=1, max_length=80)
    country: str = ""
    birthday: str = Field(default="", pattern=r"^(\d{4}-\d{2}-\d{2})?$")
    contact: Literal["email", "phone"]
    newsletter: bool = False
    bio: str = Field(default="", pattern=r"^[a-z ]*$", max_length=300)


class ProfileForm(BaseModel):
    profile: Profile


class CountryChoice(BaseModel):
    country: str = ""


class CountryChange(BaseModel):
    profile: CountryChoice


# What widgets carry.
SelectPlan = Action[Literal["plan.select"], PlanChoice]
Count = Action[Literal["gallery.count"], Counter]
SlowAction = Action[Literal["gallery.wait"], Wait]
ToggleTheme = Action[Literal["gallery.toggle_theme"], None]
SubmitReservation = Action[Literal["reservation.submit"], ReservationRef]
CancelReservation = Action[Literal["reservation.cancel"], ReservationRef]
SaveProfile = Action[Literal["profile.save"], None]
PickCountry = Action[Literal["profile.country"], None]

# What the server receives back from forms.
ReservationSubmitted = Action[Literal["reservation.submit"], ReservationForm]
ProfileSaved = Action[Literal["profile.save"], ProfileForm]
CountryPicked = Action[Literal["profile.country"], CountryChange]

GalleryAction = Annotated[
    SelectPlan
    | Count
    | SlowAction
    | ReservationSubmitted
    | CancelReservation
    | ProfileSaved
    | CountryPicked,
    Field(discriminator="type"),
]
_adapter: TypeAdapter[GalleryAction] = TypeAdapter(GalleryAction)


def parse_action(action: Action[str, Any]) -> GalleryAction:
    """The typed action; ``pydantic.ValidationError`` for anything else. Payloads come
    from the browser: never act on one unchecked."""
    return _adapter.validate_python(action.model_dump())
