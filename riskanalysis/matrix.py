"""The colour matrix: where each risk lies on the analysis's own scale."""

from collections import defaultdict


def build_matrix(scale, risks) -> dict:
    """Rows from the highest probability down; every cell carries its level and risk numbers,
    so the table reads without colour (WCAG 1.4.1)."""
    placed: dict[tuple[int, int], list[int]] = defaultdict(list)
    for risk in risks:
        if risk.is_scored:
            placed[(risk.probability, risk.consequence)].append(risk.number)
    columns = [
        {"value": c, "label": scale.consequence_label(c)}
        for c in range(1, scale.consequence_max + 1)
    ]
    rows = []
    for p in range(scale.probability_max, 0, -1):
        cells = [
            {
                "consequence": c["value"],
                "level": scale.level_for(p, c["value"]),
                "risks": placed.get((p, c["value"]), []),
            }
            for c in columns
        ]
        rows.append({"value": p, "label": scale.probability_label(p), "cells": cells})
    return {"columns": columns, "rows": rows}
