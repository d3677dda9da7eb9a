// decode_support.hpp — what the decode fuzz targets (fuzz_decode.cpp, fuzz_partition_stream.cpp)
// share: a result's columns from a rowType, and gzip to compress a body the way the server does.
#pragma once

#include <zlib.h>

#include <cstdlib>
#include <string>
#include <string_view>

#include "decode/result_parser.hpp"

namespace sfq::fuzz {

/// The columns a first response with this rowType (a JSON array) describes. Aborts when it does
/// not parse: the targets' rowTypes are fixed.
inline detail::ColumnsPtr columns_of(std::string_view row_type) {
  const std::string body = R"({"resultSetMetaData":{"numRows":0,"format":"jsonv2","rowType":)" +
                           std::string(row_type) + R"(},"data":[]})";
  auto parsed = detail::parse_result_set(body);
  if (!parsed.ok()) std::abort();
  return parsed->columns;
}

/// `data` as one gzip member (zlib's default level and window).
inline std::string gzip(std::string_view data) {
  z_stream stream{};
  if (deflateInit2(&stream, 6, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) != Z_OK) std::abort();
  std::string out(deflateBound(&stream, data.size()) + 32, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  if (deflate(&stream, Z_FINISH) != Z_STREAM_END) std::abort();
  out.resize(stream.total_out);
  deflateEnd(&stream);
  return out;
}

}  // namespace sfq::fuzz
