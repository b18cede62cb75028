"""The company directory: department hierarchy, employees and their extensions over time.

History is what makes the directory interesting for the warehouse: a few
people move to another department during the period, and a few extensions are
handed to a new hire when their holder leaves. Each change ends one
assignment row and starts another on the same day (``valid_to`` is exclusive).
"""

from __future__ import annotations

import csv
import datetime as dt
import unicodedata
from dataclasses import dataclass
from functools import partial
from pathlib import Path

import numpy as np

from ringledger.demo.clock import local_midnight_utc
from ringledger.demo.company import Company, Site

EMAIL_DOMAIN = "ringledger-demo.example"


@dataclass(frozen=True)
class Department:
    id: str
    name: str
    parent: str  # "" for the company
    site: str  # "" when the unit spans sites
    staffed_at: tuple[str, ...] = ()  # sites with people in it
    weight: float = 0.0  # share of a site's staff


DEPARTMENTS: tuple[Department, ...] = (
    Department("company", "Ringledger Demo Group", "", ""),
    Department("div-commercial", "Commercial", "company", ""),
    Department("div-operations", "Operations", "company", ""),
    Department("div-corporate", "Corporate Services", "company", ""),
    Department("div-technology", "Technology", "company", ""),
    Department("sales-dach", "Vertrieb DACH", "div-commercial", "berlin", ("berlin",), 3.0),
    Department("sales-na", "Sales North America", "div-commercial", "chicago", ("chicago",), 4.0),
    Department("sales-uk", "Sales UK & Ireland", "div-commercial", "london", ("london",), 5.0),
    Department("marketing", "Marketing", "div-commercial", "", ("berlin", "london"), 1.0),
    Department("customer-service", "Customer Service", "div-operations", "",
               ("berlin", "chicago"), 3.0),
    Department("logistics", "Logistik", "div-operations", "berlin", ("berlin",), 1.5),
    Department("field-service", "Field Service", "div-operations", "chicago", ("chicago",), 1.5),
    Department("finance", "Finanzen & Controlling", "div-corporate", "berlin", ("berlin",), 1.0),
    Department("accounting-us", "Accounting US", "div-corporate", "chicago", ("chicago",), 0.8),
    Department("people", "People & HR", "div-corporate", "", ("berlin", "chicago", "london"), 0.6),
    Department("legal", "Legal", "div-corporate", "london", ("london",), 1.0),
    Department("it-operations", "IT Operations", "div-technology", "", ("berlin", "chicago"), 1.0),
    Department("product", "Produktentwicklung", "div-technology", "berlin", ("berlin",), 2.0),
)  # fmt: skip

FIRST_NAMES = {
    "berlin": ["Jürgen", "Günther", "Lukas", "Anna", "Sophie", "Maximilian", "Jörg", "Katrin",
               "Łukasz", "Zoë", "Mehmet", "Ayşe", "Björn", "Sören", "Lena", "Felix", "Małgorzata",
               "Hannah", "Paul", "Agnieszka", "Noah", "Clara", "René", "Daniela"],
    "chicago": ["James", "Maria", "Robert", "Jennifer", "Michael", "Linda", "José", "Patricia",
                "David", "Zoë", "DeShawn", "Chloé", "Kevin", "Ana", "Brian", "Nguyễn", "Emily",
                "Carlos", "Aisha", "Tom", "Sarah", "Raúl", "Megan", "Jamal"],
    "london": ["Oliver", "Amelia", "Harry", "Isla", "George", "Siobhán", "Niamh", "Jack",
               "Priya", "Zoë", "Chloë", "Rhys", "Seán", "Emily", "Mohammed", "Freya"],
}  # fmt: skip
LAST_NAMES = {
    "berlin": ["Müller", "Schröder", "Weiß", "Schmidt", "Fischer", "Wójcik", "Dąbrowska", "Becker",
               "Hoffmann", "Köhler", "Yılmaz", "Groß", "Krüger", "Lehmann", "Nowak", "Zimmermann",
               "Böhm", "Wagner", "Šimić", "Hartmann", "Jäger", "Schulz"],
    "chicago": ["Smith", "Johnson", "Williams", "García", "Martínez", "Brown", "Kowalski", "O'Brien",
                "Nguyen", "Davis", "Rodríguez", "Miller", "Wilson", "Anderson", "Taylor", "Peña",
                "Thomas", "Jackson", "Moore", "Hernández"],
    "london": ["Smith", "Jones", "Williams", "Taylor", "Brown", "Davies", "Evans", "O'Connor",
               "Patel", "Khan", "Ní Bhriain", "Wilson", "Thompson", "Ødegaard", "Hughes", "Clarke"],
}  # fmt: skip

_ASCII_FOLD = str.maketrans({"ł": "l", "Ł": "L", "ø": "o", "Ø": "O", "ß": "ss", "ı": "i", "'": ""})


def email_local_part(first: str, last: str) -> str:
    """``first.last`` folded to ASCII (Łukasz Müller -> lukasz.muller)."""
    raw = f"{first}.{last}".translate(_ASCII_FOLD).replace(" ", "")
    folded = unicodedata.normalize("NFKD", raw).encode("ascii", "ignore").decode()
    return folded.lower()


@dataclass(frozen=True)
class Assignment:
    """One row of hr_assignments.csv: who sat at which extension in which department, when."""

    employee_id: str
    full_name: str
    email: str
    department_id: str
    site_id: str
    extension: int
    valid_from: dt.date
    valid_to: dt.date | None


@dataclass
class Directory:
    """Employees, their assignments, and who holds each extension at a given moment."""

    assignments: list[Assignment]
    names: list[str]  # person index -> full name
    logins: list[str]  # person index -> login id (CUCM user id)
    # per site: the extensions (sorted), their holder before/after a handover, handover time
    extensions: dict[str, np.ndarray]
    holder_before: dict[str, np.ndarray]
    holder_after: dict[str, np.ndarray]
    handover: dict[str, np.ndarray]  # UTC epoch; int64 max when never handed over
    departments_of_extension: dict[str, list[str]]

    def holder(self, site: str, extension: np.ndarray, epoch: np.ndarray) -> np.ndarray:
        """Person index holding each extension at each moment."""
        slot = np.searchsorted(self.extensions[site], extension)
        after = epoch >= self.handover[site][slot]
        return np.where(after, self.holder_after[site][slot], self.holder_before[site][slot])

    def people_in(self, site: str, department_ids: tuple[str, ...]) -> np.ndarray:
        """Extensions of a site whose first holder works in one of ``department_ids``."""
        exts = self.extensions[site]
        deps = self.departments_of_extension[site]
        return np.array([e for e, d in zip(exts, deps, strict=True) if d in department_ids])


def _split(total: int, shares: list[float]) -> list[int]:
    counts = [int(total * s) for s in shares]
    counts[0] += total - sum(counts)
    return counts


def build_directory(
    rng: np.random.Generator, company: Company, employees: int, start: dt.date, days: int
) -> Directory:
    """Staff every site, then apply department moves and extension handovers."""
    assignments: list[Assignment] = []
    names: list[str] = []
    logins: list[str] = []
    used_emails: set[str] = set()
    extensions: dict[str, np.ndarray] = {}
    before: dict[str, np.ndarray] = {}
    after: dict[str, np.ndarray] = {}
    handover: dict[str, np.ndarray] = {}
    deps_of_ext: dict[str, list[str]] = {}

    def new_person(site: Site) -> tuple[int, str, str]:
        while True:
            first = str(rng.choice(FIRST_NAMES[site.id]))
            last = str(rng.choice(LAST_NAMES[site.id]))
            local = email_local_part(first, last)
            suffix = 2
            email = f"{local}@{EMAIL_DOMAIN}"
            while email in used_emails:
                email = f"{local}{suffix}@{EMAIL_DOMAIN}"
                suffix += 1
            used_emails.add(email)
            names.append(f"{first} {last}")
            logins.append(email.split("@")[0].replace(".", "")[:20])
            return len(names) - 1, f"{first} {last}", email

    def period_day() -> dt.date:
        return start + dt.timedelta(days=int(rng.integers(max(1, days // 8), max(2, days - 2))))

    for site, count in zip(company.sites, _split(employees, [s.share for s in company.sites]), strict=True):
        staffed = [d for d in DEPARTMENTS if site.id in d.staffed_at]
        weights = np.array([d.weight for d in staffed])
        dep_index = rng.choice(len(staffed), size=count, p=weights / weights.sum())
        exts = np.arange(site.first_extension, site.first_extension + count, dtype=np.int32)
        n = len(exts)
        holder_before = np.zeros(n, np.int64)
        holder_after = np.zeros(n, np.int64)
        switch = np.full(n, np.iinfo(np.int64).max, np.int64)
        # about 6 % move department and 3 % leave (at least one of each in a site of 8+)
        moves, leavers = (max(int(n >= 8), round(n * share)) for share in (0.06, 0.03))
        change = np.zeros(n, np.int8)  # 0 stays, 1 moves, 2 leaves
        chosen = rng.permutation(n)
        change[chosen[:moves]] = 1
        change[chosen[moves : moves + leavers]] = 2
        for slot, ext in enumerate(exts):
            department = staffed[dep_index[slot]]
            person, name, email = new_person(site)
            employee_id = f"E{person + 1:05d}"
            holder_before[slot] = holder_after[slot] = person
            hired = start - dt.timedelta(days=int(rng.integers(30, 4000)))

            row = partial(Assignment, employee_id, name, email, site_id=site.id, extension=int(ext))

            if change[slot] == 1 and len(staffed) > 1:  # moves to another department
                moved = period_day()
                others = [d for d in staffed if d.id != department.id]
                target = others[int(rng.integers(len(others)))]
                assignments.append(row(department.id, valid_from=hired, valid_to=moved))
                assignments.append(row(target.id, valid_from=moved, valid_to=None))
            elif change[slot] == 2:  # leaves; a new hire takes over the extension
                left = period_day()
                assignments.append(row(department.id, valid_from=hired, valid_to=left))
                successor, s_name, s_email = new_person(site)
                assignments.append(
                    Assignment(
                        f"E{successor + 1:05d}", s_name, s_email, department.id, site.id, int(ext), left, None
                    )  # fmt: skip
                )
                holder_after[slot] = successor
                switch[slot] = local_midnight_utc(site.timezone, left)
            else:
                assignments.append(row(department.id, valid_from=hired, valid_to=None))
        extensions[site.id] = exts
        before[site.id], after[site.id], handover[site.id] = holder_before, holder_after, switch
        deps_of_ext[site.id] = [staffed[i].id for i in dep_index]
    return Directory(assignments, names, logins, extensions, before, after, handover, deps_of_ext)


def write_directory(directory: Directory, out_dir: Path) -> None:
    """``directory/departments.csv`` and ``directory/hr_assignments.csv`` (UTF-8)."""
    folder = out_dir / "directory"
    folder.mkdir(parents=True, exist_ok=True)
    with open(folder / "departments.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["department_id", "name", "parent_department_id", "site_id"])
        for d in DEPARTMENTS:
            writer.writerow([d.id, d.name, d.parent, d.site])
    with open(folder / "hr_assignments.csv", "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(["employee_id", "full_name", "email", "department_id", "site_id",
                         "extension", "valid_from", "valid_to"])  # fmt: skip
        rows = sorted(directory.assignments, key=lambda a: (a.employee_id, a.valid_from))
        for a in rows:
            writer.writerow([a.employee_id, a.full_name, a.email, a.department_id, a.site_id,
                             a.extension, a.valid_from.isoformat(),
                             a.valid_to.isoformat() if a.valid_to else ""])  # fmt: skip
