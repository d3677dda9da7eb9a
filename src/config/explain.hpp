// explain.hpp — the text `sfq config explain` prints: where the configuration was looked for,
// which files were found and whether their permissions are safe, which connection was chosen and
// why, and for every effective key its (masked) value, the source that won and what it overrode.
//
// Secrets never appear: the values come from Provenance/UnusedKey, which hold "****" for them.
//
// Thread safety: a pure function.
#pragma once

#include <string>

#include "config/resolve.hpp"

namespace sfq::config {

/// Multi-line, column-aligned text ending in a newline.
[[nodiscard]] std::string explain(const ResolvedConnection& resolved);

}  // namespace sfq::config
