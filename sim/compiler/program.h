// The program compiler: lays out a network in the accelerator's memory (weights, thresholds,
// embedding tables, the image and every tensor) and turns each layer into jobs (rtl/ern_job_
// descriptor.json): tiles that fit half of each buffer, so that neighbouring jobs alternate halves
// and the loads of one and the stores of another overlap the compute of a third. It also reads the
// tensors back from memory for the scoreboard.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "job_descriptor.h"
#include "models/golden.h"
#include "models/network.h"
#include "sim/hw_config.h"
#include "sim/testbench/memory.h"

namespace ernsim {

// Where a tensor lives in memory. Activations: 16-byte words of 64 lanes {plane 0, plane 1} at
// addr + block * plane + y * pitch + x * 16. Streams: entries of pe_out values at
// addr + group * plane + y * pitch + x * entry. Class sums: entries of pe_out 32-bit values at
// addr + group * entry.
struct TensorPlace {
  uint64_t addr = 0;
  uint64_t pitch = 0;
  uint64_t plane = 0;
  uint64_t entry = 0;
  bool paired = false;  // activations as pixel pairs: word w holds pixels 2w - 1 and 2w
};

struct LayerJobs {
  int first = 0;  // index of its first job
  int count = 0;
};

struct Program {
  std::vector<JobDescriptor> jobs;
  std::vector<LayerJobs> layers;     // by layer
  std::vector<TensorPlace> tensors;  // by tensor id
  uint64_t program_addr = 0;
  uint64_t descriptor_bytes = 0;  // from one descriptor to the next
  uint64_t image_addr = 0, image_pitch = 0;
  // Pixel pairs for the stem (docs/accelerator.md): the embedding writes two pixels a word and the
  // first conv reads 3x2 words instead of 3x3 pixels. The image then sits one pixel to the right
  // in its rows, so that pixel pairs (2w - 1, 2w) are aligned 8-byte entries.
  bool paired = false;
  uint64_t weights_addr = 0, weights_bytes = 0;  // the region of weights, thresholds and tables
  std::vector<uint64_t> layer_weights;           // by layer: its weight entries, group-major
  std::vector<uint64_t> layer_thresholds;        // by layer: its threshold entries
  uint64_t tables_addr = 0;                      // the pixel-embedding tables
  uint64_t memory_bytes = 0;
};

// How a program splits layers: output rows per job at most (0: as many as the buffers hold).
struct CompileOptions {
  int max_rows = 0;
};

Program compile_program(const Network& net, const HwConfig& config, const CompileOptions& options = {});

// Writes the program, the weights, thresholds and embedding tables into memory.
void write_model(Memory& memory, const Program& program, const Network& net, const HwConfig& config);
// Writes an image (the network's input) into memory.
void write_image(Memory& memory, const Program& program, const Network& net, const ActTensor& image);
// Every tensor the program computes, read back from memory (act for kAct, ints for kInt).
GoldenResult read_tensors(const Memory& memory, const Program& program, const Network& net, const HwConfig& config);

}  // namespace ernsim
