#include "models/images.h"

#include "models/error.h"
#include "models/npy.h"

namespace ernsim {

std::vector<ActTensor> read_images(const std::string& path, int channels, int height, int width) {
  const NpyArray a = read_npy_checked(path, NpyType::kUint8, {-1, channels, -1, -1},
                                      fmt::format("images must be uint8 N x {} x H x W", channels));
  const int n = static_cast<int>(a.shape[0]), h = static_cast<int>(a.shape[2]), w = static_cast<int>(a.shape[3]);
  if ((height >= 0 && h != height) || (width >= 0 && w != width)) {
    fail("{}: images are {}x{}, the model expects {}x{}", path, h, w, height, width);
  }
  if (n == 0) fail("{}: holds no images", path);
  std::vector<ActTensor> images;
  const size_t per_image = static_cast<size_t>(channels) * h * w;
  for (int i = 0; i < n; ++i) {
    images.push_back(tensor_from_chw<uint8_t>(a.bytes.data() + i * per_image, channels, h, w));
  }
  return images;
}

}  // namespace ernsim
