"""Put a solution's code cells inside its collapsed dropdown.

The book writes a solution as one markdown cell holding only a ``{solution}`` block,
optionally followed directly by code cells tagged ``solution`` (tests/test_book_conventions.py
enforces the format).  sphinx-exercise renders the block as a collapsed dropdown, but myst-nb
renders each code cell as a sibling *after* it: the code and its printed result would sit on
the page in plain view.  This transform moves every such cell, input and outputs, into the
content of the solution node just before it, so nothing of an answer shows until the reader
opens the dropdown.

A ``solution``-tagged cell that does not follow a solution is an error of the source format,
reported as a warning (an error under ``-W``).
"""

from docutils import nodes
from sphinx.transforms import SphinxTransform
from sphinx.util import logging

logger = logging.getLogger(__name__)


def _is_solution_cell(node):
    return (
        isinstance(node, nodes.container)
        and node.get("nb_element") == "cell_code"
        and "tag_solution" in node.get("classes", [])
    )


def _solution_content(solution):
    """The section sphinx-exercise fills with the solution's body (or the node itself)."""
    for child in reversed(solution.children):
        if isinstance(child, nodes.section):
            return child
    return solution


class MoveSolutionCells(SphinxTransform):
    # After myst-nb has built the cells and sphinx-exercise has merged its nodes.
    default_priority = 900

    def apply(self):
        from sphinx_exercise.nodes import solution_node

        for cell in list(self.document.findall(_is_solution_cell)):
            parent = cell.parent
            index = parent.index(cell)
            target = None
            for sibling in reversed(parent.children[:index]):
                if isinstance(sibling, solution_node):
                    target = sibling
                    break
                if not _is_solution_cell(sibling):
                    break
            if target is None:
                logger.warning(
                    "a code cell tagged 'solution' does not follow a {solution} block",
                    location=cell,
                    type="solution_cells",
                )
                continue
            parent.remove(cell)
            _solution_content(target).append(cell)


def setup(app):
    app.add_transform(MoveSolutionCells)
    return {"version": "1.0", "parallel_read_safe": True, "parallel_write_safe": True}
