#include "models/tensor_dump.h"

#include <fmt/core.h>

#include <filesystem>
#include <functional>

#include <nlohmann/json.hpp>

#include "models/error.h"
#include "models/npy.h"
#include "models/output_file.h"

namespace ernsim {

std::string file_stem(const std::string& name) {
  std::string s = name;
  for (char& c : s) {
    if (c == '/' || c == ' ' || c == ':' || c == '@') c = '_';
  }
  return s;
}

void write_tensor_dump(const std::string& dir, const std::vector<DumpedTensor>& tensors, size_t images,
                       const std::string& option) {
  // A dump that fails half way (a full disk) takes back the files it created.
  CreatedOutputs created;
  std::error_code ec;
  if (!std::filesystem::exists(dir, ec)) created.add(dir);
  std::filesystem::create_directories(dir, ec);
  if (ec) fail("{} {}: cannot create the directory ({})", option, dir, ec.message());
  const auto write_new = [&](const std::string& path, const std::function<void()>& write) {
    if (!std::filesystem::exists(path, ec)) created.add(path);
    write();
  };
  nlohmann::json index = nlohmann::json::array();
  for (size_t id = 0; id < tensors.size(); ++id) {
    const DumpedTensor& t = tensors[id];
    const std::string file = fmt::format("{:03d}_{}.npy", id, file_stem(t.name));
    const std::vector<int64_t> shape = {static_cast<int64_t>(images), t.channels, t.height, t.width};
    const size_t per_image = static_cast<size_t>(t.channels) * t.height * t.width;
    if (!t.ints.empty()) {
      std::vector<int32_t> flat(per_image * images);
      for (size_t i = 0; i < images; ++i) tensor_to_chw(*t.ints[i], &flat[i * per_image]);
      write_new(dir + "/" + file, [&] { write_npy(dir + "/" + file, NpyType::kInt32, shape, flat.data()); });
    } else {
      std::vector<uint8_t> flat(per_image * images);
      for (size_t i = 0; i < images; ++i) tensor_to_chw(*t.act[i], &flat[i * per_image]);
      write_new(dir + "/" + file, [&] { write_npy(dir + "/" + file, NpyType::kUint8, shape, flat.data()); });
    }
    index.push_back({{"id", id},
                     {"name", t.name},
                     {"file", file},
                     {"kind", t.kind},
                     {"shape", shape},
                     {"producer_layer", t.producer},
                     {"bound", t.bound},
                     {"scale", t.scale}});
  }
  write_new(dir + "/index.json", [&] { write_text_file(dir + "/index.json", index.dump(1) + "\n", option); });
  created.keep();
}

void write_float_matrix(const std::string& path, const std::vector<std::vector<float>>& rows) {
  const int64_t cols = rows.empty() ? 0 : static_cast<int64_t>(rows[0].size());
  std::vector<float> flat;
  flat.reserve(rows.size() * cols);
  for (const auto& row : rows) flat.insert(flat.end(), row.begin(), row.end());
  write_npy(path, NpyType::kFloat32, {static_cast<int64_t>(rows.size()), cols}, flat.data());
}

}  // namespace ernsim
