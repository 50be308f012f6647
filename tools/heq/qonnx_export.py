"""Writes a heq_torch model in the QONNX form of heq-semantics.md section 4.

input      global_in (float32 N x 3 x H x W, integers 0..255) -> Quant(1, 0, 8, unsigned, ROUND)
weights    float proxy -> Quant(s, 0, 2 or 3 bits, signed, narrow, ROUND) [-> Clip(-2s, 2s) for n = 5]
           -> Mul(2 / ((n-1) s)) -> Conv (3x3 pad 1, no bias) / MatMul
activation BatchNormalization -> Quant(1, 0, 1, unsigned, CEIL) (binary)
                              or Quant(1/3, 0, 2, unsigned, ROUND) (2-bit)
OR         Add(x3, x1) -> binary Quant
MUX-OR     GlobalAveragePool(x1) -> Sub 0.5 -> binary Quant = g; Mul(g, x1) -> Add(x3, .) -> binary Quant
head       MaxPool 2x2; ReduceSum over H, W (or GlobalAveragePool -> Mul H*W) -> Flatten -> MatMul -> Add bias
"""
import numpy as np
import onnx
from onnx import TensorProto, helper, numpy_helper
import torch

import heq_torch as ht

QONNX_DOMAIN = "qonnx.custom_op.general"


class _Graph:
    def __init__(self):
        self.nodes, self.inits, self.count = [], [], 0

    def const(self, name, value):
        self.inits.append(numpy_helper.from_array(np.asarray(value, dtype=np.float32), name))
        return name

    def node(self, op, inputs, name, domain="", **attrs):
        out = name + "_out"
        self.nodes.append(helper.make_node(op, inputs, [out], name=name, domain=domain, **attrs))
        return out

    def quant(self, x, name, scale, bits, signed, narrow, rounding):
        return self.node("Quant", [x, self.const(name + ".scale", scale), self.const(name + ".zeropt", 0.0),
                                   self.const(name + ".bitwidth", float(bits))],
                         name, QONNX_DOMAIN, signed=int(signed), narrow=int(narrow), rounding_mode=rounding)

    def weights(self, layer, name):
        """The quantized weight of a HeqConv2d / HeqLinear as Quant [-> Clip] -> Mul."""
        n, s = layer.levels, float(layer.step)
        w = layer.weight.detach().double().numpy()
        if isinstance(layer, ht.HeqLinear):
            w = w.T  # MatMul: (in, out)
        x = self.const(name + ".weight", w)
        x = self.quant(x, name + "/weight_quant", s, 2 if n == 3 else 3, True, True, "ROUND")
        if n == 5:
            x = self.node("Clip", [x, self.const(name + ".clip_min", -2 * s), self.const(name + ".clip_max", 2 * s)],
                          name + "/weight_clip")
        return self.node("Mul", [x, self.const(name + ".code_scale", 2.0 / ((n - 1) * s))], name + "/weight_scale")

    def conv_bn_act(self, x, seq, name):
        conv, bn, act = seq
        x = self.node("Conv", [x, self.weights(conv, name)], name + "/Conv", kernel_shape=[3, 3], pads=[1, 1, 1, 1],
                      strides=[1, 1])
        params = [self.const(f"{name}.bn.{p}", getattr(bn, a).detach().double().numpy())
                  for p, a in (("gamma", "weight"), ("beta", "bias"), ("mean", "running_mean"), ("var", "running_var"))]
        x = self.node("BatchNormalization", [x] + params, name + "/BatchNormalization", epsilon=float(bn.eps))
        if isinstance(act, ht.Act2):
            return self.quant(x, name + "/act_quant", 1.0 / 3, 2, False, False, "ROUND")
        return self.binary(x, name + "/act_quant")

    def binary(self, x, name):
        return self.quant(x, name, 1.0, 1, False, False, "CEIL")

    def pool(self, x, name):
        return self.node("MaxPool", [x], name, kernel_shape=[2, 2], strides=[2, 2])


def export(model, path, size, opset=13):
    """Writes `model` (VggSmall or Vgg11, eval mode) for size x size inputs to `path`."""
    g = _Graph()
    x = g.quant("global_in", "input_quant", 1.0, 8, False, False, "ROUND")
    if isinstance(model, ht.VggSmall):
        stage, index = 1, 1
        for m in model.features:
            if isinstance(m, torch.nn.MaxPool2d):
                x = g.pool(x, f"stage{stage}/pool")
                stage, index = stage + 1, 1
            else:
                x = g.conv_bn_act(x, m, f"stage{stage}/conv{index}")
                index += 1
        x = g.node("Flatten", [x], "flatten", axis=1)
    else:
        x = g.conv_bn_act(x, model.stem, "stem")
        for i, block in enumerate(model.blocks, 1):
            p = f"block{i}"
            x1 = g.conv_bn_act(x, block.a, p + "/conv_a")
            x3 = g.conv_bn_act(g.conv_bn_act(x1, block.b, p + "/conv_b"), block.c, p + "/conv_c")
            if block.skip == "or":
                x3 = g.binary(g.node("Add", [x3, x1], p + "/or/Add"), p + "/or/quant")
            elif block.skip == "mux":
                mean = g.node("GlobalAveragePool", [x1], p + "/gate/GlobalAveragePool")
                gate = g.binary(g.node("Sub", [mean, g.const(p + ".half", 0.5)], p + "/gate/Sub"), p + "/gate/quant")
                gated = g.node("Mul", [gate, x1], p + "/mux/Mul")
                x3 = g.binary(g.node("Add", [x3, gated], p + "/mux/Add"), p + "/mux/quant")
            x = g.pool(x3, p + "/pool")
        x = g.conv_bn_act(x, model.head, "head")
        spatial = size // 8
        if model.head_pool == "gap":
            x = g.node("GlobalAveragePool", [x], "sum/GlobalAveragePool")
            x = g.node("Mul", [x, g.const("sum.pixels", float(spatial * spatial))], "sum/Mul")
        else:
            x = g.node("ReduceSum", [x, "sum.axes"], "sum/ReduceSum", keepdims=1)
            g.inits.append(numpy_helper.from_array(np.array([2, 3], dtype=np.int64), "sum.axes"))
        x = g.node("Flatten", [x], "flatten", axis=1)
    x = g.node("MatMul", [x, g.weights(model.fc, "fc")], "fc/MatMul")
    g.node("Add", [x, g.const("fc.bias", model.fc.bias.detach().double().numpy())], "fc/Add")
    # The graph output is named global_out: rename the last node's output.
    g.nodes[-1].output[0] = "global_out"
    classes = model.fc.out_features
    graph = helper.make_graph(
        g.nodes, type(model).__name__,
        [helper.make_tensor_value_info("global_in", TensorProto.FLOAT, [1, 3, size, size])],
        [helper.make_tensor_value_info("global_out", TensorProto.FLOAT, [1, classes])], g.inits)
    m = helper.make_model(graph, producer_name="ernsim heq_torch",
                          opset_imports=[helper.make_opsetid("", opset), helper.make_opsetid(QONNX_DOMAIN, 1)])
    onnx.save(m, path)
    return path
