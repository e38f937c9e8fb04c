"""makes up the answer by sorting the menu, without cooking (waiting) at all."""


async def cook(dish: str, seconds: float) -> str:
    return dish


async def make_breakfast(menu: dict[str, float]) -> list[str]:
    return sorted(menu, key=menu.__getitem__)
