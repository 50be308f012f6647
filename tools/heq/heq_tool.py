#!/usr/bin/python3
"""heq_tool: the HEQ quantizer for PyTorch users (heq-semantics.md; needs Debian's python3-torch).

  heq_tool.py shares MODEL [--size N] [--seed S] [--init pytorch|normal] [--state-dict FILE.pt]
      Applies eq. 3 and eq. 1 to every conv/FC weight of a model (the zoo architecture's seeded
      proxy weights: PyTorch's default uniform initialization or a normal one, the bell shape of
      trained weights; or a float state dict saved from it) and prints, per layer, the HEQ step
      and the share of each code beside TWN's step and shares.
  heq_tool.py export MODEL --out DIR [--size N] [--seed S] [--images K] [--width-scale F]
      Builds the architecture with seeded weights, calibrates its batch norms on K synthetic
      images, and writes DIR/model.onnx (the QONNX form ernsim imports), DIR/images.npy (uint8)
      and DIR/torch_logits.npy (the PyTorch model's logits in float64).

MODEL is a zoo name: VGG-Small-W3, VGG-Small-W5, VGG-Small-W7, VGG-11, ORNet-11, MUXORNet-11.
Exit status (as ernsim's): 0 success, 2 bad arguments or inputs (one line on stderr), 3 an
internal error.
"""
import argparse
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))

import numpy as np  # noqa: E402
import torch  # noqa: E402

import heq_torch as ht  # noqa: E402
import qonnx_export  # noqa: E402

MAX_SIZE = 512
MAX_IMAGES = 64


def _layers(model):
    return [(name, m) for name, m in model.named_modules() if isinstance(m, ht._HeqWeights)]


def shares(args):
    model = ht.build(args.model, args.size, 1.0, args.seed)
    if args.init == "normal":
        with torch.no_grad():
            for _name, m in _layers(model):
                m.weight.normal_(0.0, 1.0 / m.weight[0].numel() ** 0.5)
        ht.update_step_sizes(model)
    if args.state_dict:
        if not os.path.isfile(args.state_dict):
            raise ValueError(f"--state-dict {args.state_dict}: not a regular file")
        if os.path.getsize(args.state_dict) > (1 << 30):
            raise ValueError(f"--state-dict {args.state_dict}: larger than 1 GiB")
        model.load_state_dict(torch.load(args.state_dict, map_location="cpu"), strict=False)
        ht.update_step_sizes(model)
    print(f"{args.model} ({args.state_dict or args.init + ' initialization, seed ' + str(args.seed)}): per-layer "
          "step sizes and code shares (codes -h..h), HEQ (eq. 3) against TWN")
    print(f"{'layer':<22} {'n':>2} {'s HEQ':>9} {'shares HEQ':<36} {'s TWN':>9} {'shares TWN':<36}")
    dist_heq = dist_twn = 0.0
    for name, m in _layers(model):
        n = m.levels
        s_heq, s_twn = ht.heq_step_size(m.weight, n), ht.twn_step_size(m.weight)
        sh, st = ht.code_shares(m.weight, s_heq, n), ht.code_shares(m.weight, s_twn, n)
        dist_heq += sum(abs(x - 1 / n) for x in sh)
        dist_twn += sum(abs(x - 1 / n) for x in st)
        fmt = lambda v: " ".join(f"{x:.3f}" for x in v)  # noqa: E731
        print(f"{name:<22} {n:>2} {s_heq:>9.5f} {fmt(sh):<36} {s_twn:>9.5f} {fmt(st):<36}")
    count = len(_layers(model))
    print(f"mean L1 distance of the shares from uniform: HEQ {dist_heq / count:.4f}, TWN {dist_twn / count:.4f}")


def _save_npy(path, array):
    with open(path, "wb") as f:
        np.save(f, array)


def export(args):
    if not os.path.isdir(args.out):
        raise ValueError(f"--out {args.out}: not a directory")
    spec = ht.ZOO[args.model]
    size = args.size or spec["size"]
    model = ht.build(args.model, size, args.width_scale, args.seed).double()
    with torch.no_grad():
        # A seeded classifier bias, so that the bias path of the export is exercised.
        model.fc.bias.copy_(torch.randn(model.fc.out_features, generator=torch.Generator().manual_seed(args.seed)))
    images = ht.synthetic_images(args.images, size, args.seed)
    ht.calibrate_batchnorm(model, images.double(), args.seed)
    with torch.no_grad():
        logits = model(images.double()).numpy()
    onnx_path = os.path.join(args.out, "model.onnx")
    # Each file is written beside its destination and renamed: no partial files after a failure.
    outputs = ((onnx_path, lambda p: qonnx_export.export(model, p, size)),
               (os.path.join(args.out, "images.npy"), lambda p: _save_npy(p, images.numpy())),
               (os.path.join(args.out, "torch_logits.npy"), lambda p: _save_npy(p, logits)))
    for final, write in outputs:
        write(final + ".partial")
        os.replace(final + ".partial", final)
    print(f"{args.model} at {size}x{size}: {ht.conv_params(model)} conv weights; wrote {onnx_path}, images.npy, "
          f"torch_logits.npy ({args.images} images)")


def main(argv=None):
    parser = argparse.ArgumentParser(prog="heq_tool.py", description=__doc__.split("\n")[0])
    sub = parser.add_subparsers(dest="command", required=True)
    for name in ("shares", "export"):
        p = sub.add_parser(name)
        p.add_argument("model", choices=sorted(ht.ZOO))
        p.add_argument("--size", type=int, default=None)
        p.add_argument("--seed", type=int, default=1)
        if name == "shares":
            p.add_argument("--state-dict")
            p.add_argument("--init", choices=("pytorch", "normal"), default="pytorch")
        else:
            p.add_argument("--out", required=True)
            p.add_argument("--images", type=int, default=2)
            p.add_argument("--width-scale", type=float, default=1.0)
    args = parser.parse_args(argv)
    if args.size is not None and not (8 <= args.size <= MAX_SIZE and args.size % 8 == 0):
        parser.error(f"--size {args.size}: a multiple of 8 in 8..{MAX_SIZE}")
    if not (0 <= args.seed < 2 ** 63):
        parser.error(f"--seed {args.seed}: 0 .. 2^63-1")
    if args.command == "export":
        if not (1 <= args.images <= MAX_IMAGES):
            parser.error(f"--images {args.images}: 1..{MAX_IMAGES}")
        if not (0 < args.width_scale <= 1):
            parser.error(f"--width-scale {args.width_scale}: in (0, 1]")
    try:
        (shares if args.command == "shares" else export)(args)
    except (ValueError, OSError) as e:
        print(f"heq_tool.py {args.command}: error: {e}", file=sys.stderr)
        return 2
    except Exception as e:  # noqa: BLE001 - one line, not a traceback
        print(f"heq_tool.py {args.command}: internal error: {type(e).__name__}: {e}", file=sys.stderr)
        return 3
    return 0


if __name__ == "__main__":
    sys.exit(main())
