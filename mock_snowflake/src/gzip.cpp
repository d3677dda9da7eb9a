// gzip.cpp — see gzip.hpp.
#include "gzip.hpp"

#include <zlib.h>

#include <algorithm>
#include <array>
#include <cstddef>

namespace mock_snowflake::detail {

std::string gzip(std::string_view data) {
  z_stream stream{};
  // The window and hash sized to the data: zlib's defaults allocate and clear about 256 KiB per
  // stream, which dominated the emulator's CPU for the small bodies most answers are. A window
  // covering the whole input finds the same matches; inflaters take any window size.
  int window_bits = 9;
  while (window_bits < 15 && (std::size_t{1} << window_bits) < data.size() + 262) ++window_bits;
  const int mem_level = std::clamp(window_bits - 6, 1, 8);
  // window_bits + 16: a gzip header and trailer instead of zlib's.
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, window_bits + 16, mem_level,
                   Z_DEFAULT_STRATEGY) != Z_OK) {
    return {};
  }
  std::string out;
  out.resize(deflateBound(&stream, static_cast<uLong>(data.size())) + 32);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  deflate(&stream, Z_FINISH);
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

std::optional<std::string> gunzip(std::string_view data) {
  z_stream stream{};
  if (inflateInit2(&stream, 15 + 32) != Z_OK) return std::nullopt;  // 32: auto-detect header
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 64 * 1024> buffer{};
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    status = inflate(&stream, Z_NO_FLUSH);
    if (status != Z_OK && status != Z_STREAM_END) break;
    out.append(buffer.data(), buffer.size() - stream.avail_out);
  }
  inflateEnd(&stream);
  if (status != Z_STREAM_END) return std::nullopt;
  return out;
}

}  // namespace mock_snowflake::detail
