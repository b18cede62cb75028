"""The regular expressions of phonenumbers' metadata as automata over the ten digits.

The metadata writes number patterns in a small subset of regular expressions: digits, ``\\d``,
character classes, groups, alternation, ``?`` and ``{n}``/``{n,m}``. Compiled here to a
nondeterministic automaton, a pattern answers the question a prefix table needs: after these
leading digits, do *all*, *none* or only *some* completions of a given length match?
"""

from __future__ import annotations

from dataclasses import dataclass, field

DIGITS = "0123456789"
ALL = "all"
NONE = "none"
SOME = "some"


class PatternSyntaxError(ValueError):
    """A pattern uses syntax outside the subset phonenumbers' metadata is written in."""


@dataclass
class _Parser:
    text: str
    at: int = 0

    def peek(self) -> str:
        return self.text[self.at] if self.at < len(self.text) else ""

    def take(self, expected: str = "") -> str:
        char = self.peek()
        if expected and char != expected:
            raise PatternSyntaxError(f"{self.text!r}: expected {expected!r} at {self.at}, found {char!r}")
        self.at += 1
        return char

    def alternation(self) -> tuple:
        branches = [self.sequence()]
        while self.peek() == "|":
            self.take()
            branches.append(self.sequence())
        return ("alt", branches)

    def sequence(self) -> tuple:
        items = []
        while self.peek() not in ("", "|", ")"):
            items.append(self.repeat(self.atom()))
        return ("cat", items)

    def atom(self) -> tuple:
        char = self.take()
        if char == "(":
            if self.text.startswith("?:", self.at):
                self.at += 2
            inner = self.alternation()
            self.take(")")
            return inner
        if char == "[":
            return ("chars", self.character_class())
        if char == "\\":
            self.take("d")
            return ("chars", frozenset(DIGITS))
        if char.isdigit():
            return ("chars", frozenset(char))
        raise PatternSyntaxError(f"{self.text!r}: unsupported {char!r} at {self.at - 1}")

    def character_class(self) -> frozenset[str]:
        chars: set[str] = set()
        while self.peek() != "]":
            char = self.take()
            if char == "\\":
                self.take("d")
                chars |= set(DIGITS)
            elif self.peek() == "-" and self.text[self.at + 1 : self.at + 2] != "]":
                self.take()
                last = self.take()
                chars |= {chr(c) for c in range(ord(char), ord(last) + 1)}
            else:
                chars.add(char)
        self.take("]")
        return frozenset(chars)

    def repeat(self, node: tuple) -> tuple:
        if self.peek() == "?":
            self.take()
            return ("rep", node, 0, 1)
        if self.peek() != "{":
            return node
        self.take()
        bounds = ""
        while self.peek() != "}":
            bounds += self.take()
        self.take("}")
        low, _, high = bounds.partition(",")
        if not low.isdigit() or (high and not high.isdigit()) or (_ and not high):
            raise PatternSyntaxError(f"{self.text!r}: unsupported repetition {{{bounds}}}")
        return ("rep", node, int(low), int(high or low))


@dataclass
class _Automaton:
    moves: list[list[tuple[frozenset[str], int]]] = field(default_factory=list)
    empty_moves: list[list[int]] = field(default_factory=list)

    def state(self) -> int:
        self.moves.append([])
        self.empty_moves.append([])
        return len(self.moves) - 1

    def build(self, node: tuple, start: int) -> int:
        """Add the states for ``node`` after ``start``; return the state it ends in."""
        kind = node[0]
        if kind == "chars":
            end = self.state()
            self.moves[start].append((node[1], end))
            return end
        if kind == "cat":
            for item in node[1]:
                start = self.build(item, start)
            return start
        if kind == "alt":
            end = self.state()
            for branch in node[1]:
                self.empty_moves[self.build(branch, start)].append(end)
            return end
        _, inner, low, high = node
        for _ in range(low):
            start = self.build(inner, start)
        end = self.state()
        self.empty_moves[start].append(end)
        for _ in range(high - low):
            start = self.build(inner, start)
            self.empty_moves[start].append(end)
        return end


class DigitPattern:
    """A pattern matched against whole digit strings (``fullmatch``) or at their start (``match``)."""

    MATCHED = frozenset({-1})  # the state of a prefix match that has already succeeded

    def __init__(self, pattern: str, *, prefix_match: bool = False):
        parser = _Parser(pattern)
        tree = parser.alternation()
        if parser.at != len(pattern):
            raise PatternSyntaxError(f"{pattern!r}: unexpected {parser.peek()!r} at {parser.at}")
        self.pattern = pattern
        self.prefix_match = prefix_match
        self._automaton = _Automaton()
        first = self._automaton.state()
        self._final = self._automaton.build(tree, first)
        self.start = self._settle(self._closure({first}))
        self._steps: dict[tuple[frozenset[int], str], frozenset[int]] = {}
        self._completions: dict[tuple[frozenset[int], int], str] = {}

    def _closure(self, states: set[int]) -> frozenset[int]:
        todo, seen = list(states), set(states)
        while todo:
            for following in self._automaton.empty_moves[todo.pop()]:
                if following not in seen:
                    seen.add(following)
                    todo.append(following)
        return frozenset(seen)

    def _settle(self, states: frozenset[int]) -> frozenset[int]:
        if self.prefix_match and self._final in states:
            return self.MATCHED
        return states

    def accepts(self, states: frozenset[int]) -> bool:
        return states is self.MATCHED or self._final in states

    def step(self, states: frozenset[int], digit: str) -> frozenset[int]:
        if states is self.MATCHED:
            return states
        key = (states, digit)
        if key not in self._steps:
            moves = self._automaton.moves
            following = {end for state in states for chars, end in moves[state] if digit in chars}
            self._steps[key] = self._settle(self._closure(following))
        return self._steps[key]

    def completions(self, states: frozenset[int], remaining: int) -> str:
        """Whether ALL, NONE or SOME of the ``remaining``-digit completions from ``states`` match."""
        if states is self.MATCHED:
            return ALL
        if remaining == 0:
            return ALL if self.accepts(states) else NONE
        if not states:
            return NONE
        key = (states, remaining)
        if key not in self._completions:
            answers = {self.completions(self.step(states, digit), remaining - 1) for digit in DIGITS}
            self._completions[key] = answers.pop() if len(answers) == 1 else SOME
        return self._completions[key]

    def matches(self, digits: str) -> bool:
        states = self.start
        for digit in digits:
            states = self.step(states, digit)
        return self.accepts(states)
