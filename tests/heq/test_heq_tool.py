"""Tests of the HEQ quantizer tool (tools/heq) and of ernsim's QONNX import against an independent
numpy executor (tests/heq/qonnx_exec.py). Run by CTest with Debian's /usr/bin/python3 (torch, numpy,
onnx); ERNSIM_BINARY names the ernsim executable. Small and CPU-only: about a minute in all."""
import os
import subprocess
import sys
import tempfile
import unittest

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
sys.path.insert(0, os.path.join(ROOT, "tools", "heq"))
sys.path.insert(0, HERE)

import numpy as np  # noqa: E402
import torch  # noqa: E402

import heq_torch as ht  # noqa: E402
import qonnx_exec  # noqa: E402

ERNSIM = os.environ.get("ERNSIM_BINARY", os.path.join(ROOT, "build", "ernsim"))
TOOL = os.path.join(ROOT, "tools", "heq", "heq_tool.py")
# Small sizes: three 2x2 pools divide them.
SIZES = {"VGG-Small-W3": 16, "VGG-Small-W5": 16, "VGG-Small-W7": 8, "VGG-11": 24, "ORNet-11": 24, "MUXORNet-11": 24}


def uniform_distance(shares):
    return sum(abs(x - 1 / len(shares)) for x in shares)


class Quantizer(unittest.TestCase):
    def test_step_size_matches_eq3_on_a_known_tensor(self):
        w = torch.arange(10, dtype=torch.float64) - 4.5  # quantiles at 1/3, 2/3: -1.5 and 1.5
        self.assertAlmostEqual(ht.heq_step_size(w, 3), 3.0)
        self.assertAlmostEqual(ht.twn_step_size(w), 2 * 0.7 * 2.5)
        with self.assertRaises(ValueError):
            ht.heq_step_size(w, 4)

    def test_weight_quantizer_is_eq1_with_a_straight_through_gradient(self):
        conv = ht.HeqConv2d(2, 3, 3, levels=5)
        w = conv.quantized_weight()
        codes = w * 2  # 2/(n-1) = 1/2
        self.assertTrue(torch.equal(codes, torch.round(codes)))
        self.assertLessEqual(float(codes.abs().max()), 2)
        self.assertEqual(sorted(set(codes.flatten().tolist())), [-2.0, -1.0, 0.0, 1.0, 2.0])
        w.sum().backward()
        # d/dw of 1/2 * round(w/s) is 1/(2s) inside the clip range, 0 outside.
        inside = (conv.weight / conv.step).abs() < 2.5
        grad = conv.weight.grad
        self.assertTrue(torch.allclose(grad[inside], torch.full_like(grad[inside], 0.5 / float(conv.step))))
        self.assertTrue(torch.all(grad[~inside] == 0))

    def test_activations_or_and_mux_or(self):
        x = torch.tensor([-1.0, 0.0, 0.1, 0.5, 1 / 6, 0.5 / 3 + 1e-9, 1.0, 2.0], dtype=torch.float64)
        self.assertEqual(ht.BinaryAct()(x).tolist(), [0, 0, 1, 1, 1, 1, 1, 1])
        # round(clip(3x)): 3 * (1/6) = 0.5 rounds to even 0.
        self.assertEqual((ht.Act2()(x) * 3).round().tolist(), [0, 0, 0, 2, 0, 1, 3, 3])
        x1 = torch.tensor([[[[1.0, 1.0], [1.0, 0.0]], [[1.0, 0.0], [0.0, 1.0]]]])
        self.assertEqual(ht.gate(x1).flatten().tolist(), [1.0, 0.0])  # 3/4 > 0.5; 2/4 is not

    def test_step_update_each_epoch_gives_shares_closer_to_uniform_than_twn(self):
        """Algorithm 1 on synthetic data: a few epochs of training with the step recomputed per
        epoch; the codes' shares are then closer to uniform with HEQ's step than with TWN's."""
        torch.manual_seed(0)
        model = ht.build("ORNet-11", 8, width_scale=0.125, seed=3)
        images = ht.synthetic_images(8, 8, 5).double() / 255
        labels = torch.arange(8) % 10
        model = model.double()
        opt = torch.optim.SGD(model.parameters(), lr=0.05)
        for _epoch in range(3):
            for _ in range(2):
                opt.zero_grad()
                torch.nn.functional.cross_entropy(model(images * 255), labels).backward()
                opt.step()
            ht.update_step_sizes(model)
        for name, m in model.named_modules():
            if isinstance(m, ht.HeqConv2d):
                # The step is kept as a float32 (as the exported Quant holds it).
                self.assertAlmostEqual(float(m.step) / ht.heq_step_size(m.weight, m.levels), 1.0, places=6, msg=name)
                heq = uniform_distance(ht.code_shares(m.weight, float(m.step), m.levels))
                twn = uniform_distance(ht.code_shares(m.weight, ht.twn_step_size(m.weight), m.levels))
                self.assertLess(heq, twn, name)

    def test_zoo_parameter_counts_are_the_papers(self):
        self.assertEqual(ht.conv_params(ht.build("VGG-Small-W3", 32)), 4574592)
        self.assertEqual(ht.conv_params(ht.build("MUXORNet-11", 96)), 3135168)

    def test_tool_refuses_bad_arguments(self):
        for args in (["export", "VGG-11", "--out", "/nonexistent-dir"], ["shares", "VGG-11", "--size", "12"],
                     ["export", "VGG-11", "--out", ".", "--images", "0"], ["shares", "NoSuchNet"]):
            r = subprocess.run([sys.executable, TOOL] + args, capture_output=True, text=True)
            self.assertEqual(r.returncode, 2, args)
            self.assertIn("error", r.stderr.strip().splitlines()[-1], args)


class ExportedZooMatchesNumpyAndTorch(unittest.TestCase):
    """Every zoo model, exported by heq_tool.py: ernsim's integer logits against the numpy float
    executor (within 1e-6 relative to the largest logit, top-1 identical) and the PyTorch model."""

    def check(self, model):
        with tempfile.TemporaryDirectory() as d:
            subprocess.run([sys.executable, TOOL, "export", model, "--size", str(SIZES[model]), "--out", d,
                            "--images", "2", "--seed", "7"], check=True, capture_output=True)
            images = np.load(os.path.join(d, "images.npy"))
            reference = qonnx_exec.run(os.path.join(d, "model.onnx"), images)
            torch_logits = np.load(os.path.join(d, "torch_logits.npy"))
            out = os.path.join(d, "logits.npy")
            for kernels in ("packed", "reference"):
                subprocess.run([ERNSIM, "infer", "--model", os.path.join(d, "model.onnx"), "--input",
                                os.path.join(d, "images.npy"), "--output", out, "--kernels", kernels],
                               check=True, capture_output=True)
                got = np.load(out).astype(np.float64)
                for name, ref in (("numpy", reference), ("torch", torch_logits)):
                    scale = np.abs(ref).max(axis=1, keepdims=True)
                    worst = float((np.abs(got - ref) / scale).max())
                    self.assertLessEqual(worst, 1e-6, f"{model} {kernels} vs {name}")
                    self.assertEqual(got.argmax(axis=1).tolist(), ref.argmax(axis=1).tolist())

    def test_vgg_small_w3(self):
        self.check("VGG-Small-W3")

    def test_vgg_small_w5(self):
        self.check("VGG-Small-W5")

    def test_vgg_small_w7(self):
        self.check("VGG-Small-W7")

    def test_vgg11(self):
        self.check("VGG-11")

    def test_ornet11(self):
        self.check("ORNet-11")

    def test_muxornet11(self):
        self.check("MUXORNet-11")


if __name__ == "__main__":
    unittest.main()
