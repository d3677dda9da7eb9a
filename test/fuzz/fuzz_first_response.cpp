// fuzz_first_response.cpp — libFuzzer target: the first response of a statement, read as a 200
// ResultSet (parse_result_set) and as a status or error body (parse_status_body), from
// src/decode/result_parser.hpp. Properties beyond "no crash, no leak, no UB": a parsed ResultSet
// has as many decoded columns as metadata columns, never more decoded rows than asked for, and
// decoding fewer rows never turns a valid body invalid.
#include <cstdint>
#include <cstdlib>
#include <string_view>

#include "decode/result_parser.hpp"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const std::string_view body(reinterpret_cast<const char*>(data), size);

  auto all = sfq::detail::parse_result_set(body);
  if (all.ok() && all->first_batch.columns.size() != all->columns->size()) std::abort();

  auto two = sfq::detail::parse_result_set(body, 2);
  if (two.ok() && two->first_batch.rows > 2) std::abort();
  // Skipping rows may hide a bad cell, never make a good body bad.
  if (all.ok() && !two.ok()) std::abort();

  (void)sfq::detail::parse_status_body(body);
  return 0;
}
