// Golden tensors and logits as files a user loads with numpy: a folder of .npy files with an
// index.json (`infer --dump-layers`, `run --save-inputs`), and logits as one .npy.
#pragma once

#include <cstdint>
#include <string>
#include <vector>

#include "models/tensor.h"

namespace ernsim {

// One tensor of golden runs to dump: its description and, per image, its value (act for uint8
// maps, ints for int32 tensors; one of the two is empty).
struct DumpedTensor {
  std::string name;
  std::string kind;
  int channels, height, width;
  int producer;
  int64_t bound;
  std::vector<double> scale;
  std::vector<const ActTensor*> act;
  std::vector<const IntTensor*> ints;
};
// Writes the tensors into `dir` (created): one .npy per tensor with the images stacked
// (N x C x H x W) and an index.json. A failure half way removes the files it created.
void write_tensor_dump(const std::string& dir, const std::vector<DumpedTensor>& tensors, size_t images,
                       const std::string& option);

// Writes every tensor of golden runs of `net` (an ERN or an HEQ network, with their golden results)
// into `dir` (created), as write_tensor_dump.
template <typename Net, typename Golden>
void dump_tensors(const std::string& dir, const Net& net, const std::vector<Golden>& runs, const std::string& option) {
  std::vector<DumpedTensor> tensors;
  for (size_t id = 0; id < net.tensors.size(); ++id) {
    const auto& t = net.tensors[id];
    DumpedTensor d{t.name, to_string(t.kind), t.channels, t.height, t.width, t.producer, t.bound, t.scale, {}, {}};
    for (const Golden& r : runs) {
      if (t.kind == decltype(t.kind)::kInt) {
        d.ints.push_back(&r.ints[id]);
      } else {
        d.act.push_back(&r.act[id]);
      }
    }
    tensors.push_back(std::move(d));
  }
  write_tensor_dump(dir, tensors, runs.size(), option);
}

// `name` (a layer, a regression item) as one file or directory name: separators become '_'.
std::string file_stem(const std::string& name);

// Rows of floats (logits, one row per image) as a float32 N x C .npy.
void write_float_matrix(const std::string& path, const std::vector<std::vector<float>>& rows);

}  // namespace ernsim
