"""HEQ quantization for PyTorch (heq-semantics.md; the paper's Algorithm 1).

Modules for training logic-gated residual networks with histogram-equalized weight quantization:

- HeqConv2d / HeqLinear: float "proxy" weights quantized in the forward pass by eq. 1,
  g(w; s) = 2/(n-1) * Clip(round(w/s), -(n-1)/2, (n-1)/2), with a straight-through gradient; the
  step size s is a buffer that `update_step_sizes(model)` recomputes by eq. 3 once per epoch.
- BinaryAct (H(x) = 1{x > 0}) and Act2 (round(clip(3x, 0, 3)) / 3), straight-through gradients.
- OR and MUX-OR blocks (ORBlock with gate=False/True): y = H(x3 + x1) or H(x3 + T(GAP(x1)) * x1).
- The zoo architectures (VGG-Small, VGG-11 / ORNet-11 / MUXORNet-11) at any width and size.

Needs Debian's python3-torch (1.13); runs on the CPU.
"""
import math

import torch
from torch import nn
import torch.nn.functional as F


# ---------------------------------------------------------------------------------------------
# Step sizes (eq. 3 and TWN) and codes (eq. 1)

def heq_step_size(w, n):
    """Eq. 3: s = 4 * sum_{i=1..h} (|q_-i| + |q_i|) / (n-1)^2 from the n-1 equiprobable cut points."""
    if n not in (3, 5, 7):
        raise ValueError(f"weight levels n = {n} (expected 3, 5 or 7)")
    flat = w.detach().double().flatten()
    cuts = torch.quantile(flat, torch.tensor([j / n for j in range(1, n)], dtype=torch.float64))
    h = (n - 1) // 2
    total = sum(abs(float(cuts[h - i])) + abs(float(cuts[h + i - 1])) for i in range(1, h + 1))
    return 4.0 * total / (n - 1) ** 2


def twn_step_size(w):
    """TWN's s = 2 * 0.7 * mean|w| (the threshold 0.7 mean|w| is s/2)."""
    return 2 * 0.7 * float(w.detach().double().abs().mean())


def weight_codes(w, s, n):
    """Eq. 1's integer codes Clip(round_half_even(w/s), -h, h)."""
    h = (n - 1) // 2
    return torch.clamp(torch.round(w / s), -h, h)


def code_shares(w, s, n):
    """Share of each code -h..h among the weights."""
    h = (n - 1) // 2
    codes = weight_codes(w.detach().double(), s, n).flatten()
    return [float((codes == k).double().mean()) for k in range(-h, h + 1)]


class _RoundSte(torch.autograd.Function):
    """round() forward, identity gradient (straight-through)."""

    @staticmethod
    def forward(ctx, x):
        return torch.round(x)

    @staticmethod
    def backward(ctx, grad):
        return grad


def quantize_weights(w, s, n):
    """g(w; s) with a straight-through gradient inside the clip range (zero outside)."""
    h = (n - 1) // 2
    return 2.0 / (n - 1) * torch.clamp(_RoundSte.apply(w / s), -h, h)


class _HeqWeights:
    """Shared by HeqConv2d and HeqLinear: the step-size buffer and the quantized weight."""

    def _init_heq(self, levels):
        if levels not in (3, 5, 7):
            raise ValueError(f"weight levels n = {levels} (expected 3, 5 or 7)")
        self.levels = levels
        self.register_buffer("step", torch.tensor(1.0, dtype=self.weight.dtype))
        self.update_step_size()

    def update_step_size(self, method="heq"):
        s = heq_step_size(self.weight, self.levels) if method == "heq" else twn_step_size(self.weight)
        # A float32 value, as the exported Quant node holds it: codes then agree everywhere.
        self.step.fill_(float(torch.tensor(s, dtype=torch.float32)))

    def quantized_weight(self):
        return quantize_weights(self.weight, self.step, self.levels)


class HeqConv2d(nn.Conv2d, _HeqWeights):
    """A 3x3 (pad 1) or 1x1 convolution, stride 1, no bias, with HEQ-quantized weights."""

    def __init__(self, in_channels, out_channels, kernel_size=3, levels=3):
        super().__init__(in_channels, out_channels, kernel_size, padding=(kernel_size - 1) // 2, bias=False)
        self._init_heq(levels)

    def forward(self, x):
        return F.conv2d(x, self.quantized_weight(), None, 1, self.padding)


class HeqLinear(nn.Linear, _HeqWeights):
    """The classifier: HEQ-quantized weights (ternary by default) and a float bias."""

    def __init__(self, in_features, out_features, levels=3):
        super().__init__(in_features, out_features, bias=True)
        nn.init.zeros_(self.bias)
        self._init_heq(levels)

    def forward(self, x):
        return F.linear(x, self.quantized_weight(), self.bias)


def update_step_sizes(model, method="heq"):
    """Algorithm 1: recompute every layer's step size (once per epoch)."""
    for m in model.modules():
        if isinstance(m, _HeqWeights):
            m.update_step_size(method)


# ---------------------------------------------------------------------------------------------
# Activations and skips

class _HeavisideSte(torch.autograd.Function):
    @staticmethod
    def forward(ctx, x):
        ctx.save_for_backward(x)
        return (x > 0).to(x.dtype)

    @staticmethod
    def backward(ctx, grad):
        (x,) = ctx.saved_tensors
        return grad * (x.abs() <= 1).to(grad.dtype)


class BinaryAct(nn.Module):
    """H(x) = 1{x > 0}, gradient of hardtanh."""

    def forward(self, x):
        return _HeavisideSte.apply(x)


class Act2(nn.Module):
    """DoReFa-style 2-bit activation round(clip(3x, 0, 3)) / 3, straight-through inside [0, 1]."""

    def forward(self, x):
        return _RoundSte.apply(torch.clamp(3 * x, 0, 3)) / 3


def gate(x1):
    """T(GAP(x1)): 1 for the channels whose mean is above 0.5."""
    return (x1.mean(dim=(2, 3), keepdim=True) > 0.5).to(x1.dtype)


class ConvBnAct(nn.Sequential):
    def __init__(self, cin, cout, levels, act):
        super().__init__(HeqConv2d(cin, cout, 3, levels), nn.BatchNorm2d(cout), act())


class Block(nn.Module):
    """Three conv-BN-act layers; skip None (VGG), 'or' (ORNet) or 'mux' (MUXORNet); then a 2x2 pool."""

    def __init__(self, cin, cout, levels, skip=None):
        super().__init__()
        self.a = ConvBnAct(cin, cout, levels, BinaryAct)
        self.b = ConvBnAct(cout, cout, levels, BinaryAct)
        self.c = ConvBnAct(cout, cout, levels, BinaryAct)
        self.skip = skip

    def forward(self, x):
        x1 = self.a(x)
        x3 = self.c(self.b(x1))
        if self.skip == "or":
            x3 = _HeavisideSte.apply(x3 + x1)
        elif self.skip == "mux":
            x3 = _HeavisideSte.apply(x3 + gate(x1) * x1)
        return F.max_pool2d(x3, 2)


class VggSmall(nn.Module):
    """VGG-Small: 2-bit activations, three stages of two convs and a pool, FC on the flattened map."""

    def __init__(self, levels=3, size=32, width=128, classes=10):
        super().__init__()
        widths = [width, 2 * width, 4 * width]
        layers, cin = [], 3
        for w in widths:
            layers += [ConvBnAct(cin, w, levels, Act2), ConvBnAct(w, w, levels, Act2), nn.MaxPool2d(2)]
            cin = w
        self.features = nn.Sequential(*layers)
        self.fc = HeqLinear(cin * (size // 8) ** 2, classes)
        self.size = size

    def forward(self, x):
        return self.fc(torch.flatten(self.features(x), 1))


class Vgg11(nn.Module):
    """VGG-11 / ORNet-11 / MUXORNet-11 (skip None, 'or', 'mux'): binary activations, global sum, FC."""

    def __init__(self, levels=3, skip=None, width=64, classes=10, head_pool="sum"):
        super().__init__()
        self.stem = ConvBnAct(3, width, levels, BinaryAct)
        self.blocks = nn.Sequential(Block(width, width, levels, skip), Block(width, 2 * width, levels, skip),
                                    Block(2 * width, 4 * width, levels, skip))
        self.head = ConvBnAct(4 * width, 8 * width, levels, BinaryAct)
        self.fc = HeqLinear(8 * width, classes)
        self.skip = skip
        # How the exporter writes the global sum: 'sum' (ReduceSum) or 'gap' (GlobalAveragePool * H*W).
        self.head_pool = head_pool

    def forward(self, x):
        x = self.head(self.blocks(self.stem(x)))
        return self.fc(x.sum(dim=(2, 3)))


ZOO = {
    "VGG-Small-W3": dict(family="vgg_small", levels=3, size=32),
    "VGG-Small-W5": dict(family="vgg_small", levels=5, size=32),
    "VGG-Small-W7": dict(family="vgg_small", levels=7, size=32),
    "VGG-11": dict(family="vgg11", levels=3, size=96, skip=None),
    "ORNet-11": dict(family="vgg11", levels=3, size=96, skip="or"),
    "MUXORNet-11": dict(family="vgg11", levels=3, size=96, skip="mux"),
}


def build(name, size=None, width_scale=1.0, seed=1):
    """A zoo architecture with seeded float proxy weights (step sizes set by eq. 3)."""
    spec = ZOO[name]
    torch.manual_seed(seed)
    size = size or spec["size"]
    if size % 8 or size < 8:
        raise ValueError(f"size {size} must be a positive multiple of 8 (three 2x2 pools)")
    if spec["family"] == "vgg_small":
        model = VggSmall(spec["levels"], size, max(1, round(128 * width_scale)))
    else:
        model = Vgg11(spec["levels"], spec["skip"], max(1, round(64 * width_scale)),
                      head_pool="gap" if spec["skip"] == "mux" else "sum")
    update_step_sizes(model)
    model.size = size
    return model


def conv_params(model):
    """Conv weights (the FC excluded, as the paper counts)."""
    return sum(m.weight.numel() for m in model.modules() if isinstance(m, HeqConv2d))


class _Calibrated(Exception):
    """Ends a calibration pass once its batch norm is set."""


@torch.no_grad()
def calibrate_batchnorm(model, images, seed=1):
    """Sets every BN's statistics from its conv's output on `images` so that activations are mixed:
    the mean at a seeded quantile of each channel (MUX blocks' first conv alternates 25 / 75 % so
    that gates are mixed), a fifth of the channels with a negative gamma. One pass per BN, in
    execution order, each ending at the BN it calibrates."""
    gen = torch.Generator().manual_seed(seed)
    mux_first = {id(b.a[1]) for b in model.modules() if isinstance(b, Block) and b.skip == "mux"}
    bns = [m for m in model.modules() if isinstance(m, nn.BatchNorm2d)]
    target = [None]

    def calibrate(bn, inp, _out):
        if bn is not target[0]:
            return
        x = inp[0].double()
        c = x.shape[1]
        per_channel, _ = x.transpose(0, 1).reshape(c, -1).sort(dim=1)
        if id(bn) in mux_first:
            q = torch.tensor([0.25 if k % 2 else 0.75 for k in range(c)], dtype=torch.float64)
        else:
            q = 0.35 + 0.3 * torch.rand(c, generator=gen, dtype=torch.float64)
        index = (q * (per_channel.shape[1] - 1)).round().long()
        # Accumulators are multiples of 1/18 (codes times 2/(n-1) times 1 or 1/3): a mean 1/36 past
        # an observed value is never a tie, in float64 or float32.
        mean = per_channel.gather(1, index[:, None])[:, 0] + 1.0 / 36
        var = per_channel.var(dim=1) + 1.0
        sign = torch.where(torch.rand(c, generator=gen) < 0.2, -1.0, 1.0).double()
        if id(bn) in mux_first:
            sign = torch.ones(c, dtype=torch.float64)
        bn.running_mean.copy_(mean)
        bn.running_var.copy_(var)
        bn.weight.copy_(sign * (0.5 + 0.5 * torch.rand(c, generator=gen, dtype=torch.float64)))
        # A 2-bit activation spreads over its four levels around the mean; binary ones cut at it.
        bn.bias.copy_(torch.full((c,), 0.5) if isinstance(model, VggSmall) else torch.zeros(c))
        raise _Calibrated()

    hooks = [bn.register_forward_hook(calibrate) for bn in bns]
    model.eval()
    try:
        for bn in bns:
            target[0] = bn
            try:
                model(images)
            except _Calibrated:
                pass
    finally:
        for h in hooks:
            h.remove()


def synthetic_images(count, size, seed):
    """Seeded uint8 images (N, 3, size, size): smooth gradients plus noise."""
    gen = torch.Generator().manual_seed(seed)
    y, x = torch.meshgrid(torch.arange(size), torch.arange(size), indexing="ij")
    images = []
    for _ in range(count):
        a, b = torch.randint(-3, 4, (2, 3), generator=gen)
        ramp = (a[:, None, None] * x + b[:, None, None] * y).double()
        ramp = (ramp - ramp.amin(dim=(1, 2), keepdim=True)) / (ramp.amax(dim=(1, 2), keepdim=True) - ramp.amin(dim=(1, 2), keepdim=True) + 1e-9)
        noise = torch.rand(3, size, size, generator=gen, dtype=torch.float64)
        images.append(torch.clamp(torch.round(255 * (0.6 * ramp + 0.4 * noise)), 0, 255).to(torch.uint8))
    return torch.stack(images)
