"""What can go wrong reading or applying an import, said in Chinese and in English."""

from __future__ import annotations


class ImportProblem(Exception):
    """A firm list or a review file that cannot be used; `zh` and `en` say why and what was expected."""

    def __init__(self, zh: str, en: str, code: str = "import"):
        self.zh, self.en, self.code = zh, en, code
        super().__init__(en)

    def text(self, lang: str = "zh") -> str:
        return self.zh if lang == "zh" else self.en
