"""The Python API in five steps (run it: PYTHONPATH=build/python /usr/bin/python3 docs/python_example.py).

A notebook-style script: each block is a cell. The test suite runs it as written (PythonExample).
"""
import numpy as np

import ernsim

# 1. The zoo: the five ERN models with the paper's numbers.
for model in ernsim.zoo():
    print(f"{model['name']:<13} {model['block']:<10} paper: {model['paper_fps_256']:6.1f} FPS at 256x256")

# 2. Golden inference on numpy images (uint8, N x 3 x H x W): float32 logits, images x classes.
rng = np.random.default_rng(0)
images = rng.integers(0, 256, size=(2, 3, 32, 32), dtype=np.uint8)
logits = ernsim.infer("zoo:ERNs18-0.75x", images, size=32)
print("logits", logits.shape, logits.dtype, "top-1 classes", logits.argmax(axis=1))

# 3. The estimate of a model on a configuration, as `ernsim estimate --report` writes it.
estimate = ernsim.estimate("zoo:ERNs101", config="default")
print(f"ERNs101 on default: {estimate['total_cycles']} cycles, {estimate['fps']:.1f} FPS, {estimate['lut']} LUTs")
slowest = max(estimate["layers"], key=lambda layer: layer["cycles"])
print(f"slowest layer: {slowest['index']} {slowest['name']} ({slowest['cycles']} cycles)")

# 4. The same images on the accelerator RTL: every layer checked bit for bit against the golden model.
report = ernsim.run("zoo:ERNs18-0.75x", images, config="small", size=32)
print(f"RTL: {report['total_cycles']} cycles, {report['mismatches']} mismatches, passed: {report['passed']}")

# 5. Errors are ernsim.Error with the command line's one-line message.
try:
    ernsim.estimate("zoo:ERNs19")
except ernsim.Error as e:
    print("error:", e)
