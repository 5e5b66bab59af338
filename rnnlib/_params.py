"""Parameter initialisation shared by the three cells (private module)."""

import math

from ._checks import as_rng, check_float_dtype, check_positive_int


def uniform_init(input_size, hidden_size, gates, *, rng=None, dtype="float64"):
    """Draw a cell's parameters from U(-1/sqrt(H), 1/sqrt(H)), as PyTorch does.

    Parameters
    ----------
    input_size, hidden_size : int
        D and H.
    gates : int
        G, the number of gates stacked along the first axis.
    rng : np.random.Generator or int or None
        Source of randomness; an int is a seed.
    dtype : float32 or float64

    Returns
    -------
    params : dict
        ``weight_ih`` (G*H, D), ``weight_hh`` (G*H, H), ``bias_ih`` (G*H,), ``bias_hh`` (G*H,),
        drawn in that order (PyTorch's parameter order).
    """
    d = check_positive_int("input_size", input_size)
    h = check_positive_int("hidden_size", hidden_size)
    dt = check_float_dtype("dtype", dtype)
    rng = as_rng(rng)
    bound = 1.0 / math.sqrt(h)
    shapes = {
        "weight_ih": (gates * h, d),
        "weight_hh": (gates * h, h),
        "bias_ih": (gates * h,),
        "bias_hh": (gates * h,),
    }
    return {name: rng.uniform(-bound, bound, size=shape).astype(dt) for name, shape in shapes.items()}
