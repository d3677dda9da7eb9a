// cursor.cpp — encoding and checking result cursors.
#include "mcp/cursor.hpp"

#include <openssl/crypto.h>
#include <openssl/evp.h>
#include <openssl/hmac.h>
#include <openssl/rand.h>
#include <rapidjson/document.h>

#include <array>
#include <stdexcept>

#include "mcp/json.hpp"

namespace sfq::mcp {

namespace {

constexpr std::string_view kAlphabet =
    "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
constexpr std::size_t kMaxCursor = 1024;

std::string base64url_encode(std::string_view data) {
  std::string out;
  std::size_t i = 0;
  while (i + 2 < data.size()) {
    const std::uint32_t n = (static_cast<unsigned char>(data[i]) << 16) |
                            (static_cast<unsigned char>(data[i + 1]) << 8) |
                            static_cast<unsigned char>(data[i + 2]);
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    out.push_back(kAlphabet[(n >> 6) & 63]);
    out.push_back(kAlphabet[n & 63]);
    i += 3;
  }
  const std::size_t rest = data.size() - i;
  if (rest > 0) {
    std::uint32_t n = static_cast<unsigned char>(data[i]) << 16;
    if (rest == 2) n |= static_cast<unsigned char>(data[i + 1]) << 8;
    out.push_back(kAlphabet[(n >> 18) & 63]);
    out.push_back(kAlphabet[(n >> 12) & 63]);
    if (rest == 2) out.push_back(kAlphabet[(n >> 6) & 63]);
  }
  return out;
}

std::optional<std::string> base64url_decode(std::string_view text) {
  std::string out;
  std::uint32_t buffer = 0;
  int bits = 0;
  for (const char c : text) {
    const auto index = kAlphabet.find(c);
    if (index == std::string_view::npos) return std::nullopt;
    buffer = (buffer << 6) | static_cast<std::uint32_t>(index);
    bits += 6;
    if (bits >= 8) {
      bits -= 8;
      out.push_back(static_cast<char>((buffer >> bits) & 0xFF));
    }
  }
  if (bits >= 6) return std::nullopt;  // a dangling sextet cannot come from encode_cursor
  return out;
}

/// The key cursors are signed with: random, made once per process, never leaves it.
const std::array<unsigned char, 32>& signing_key() {
  static const std::array<unsigned char, 32> key = [] {
    std::array<unsigned char, 32> bytes{};
    if (RAND_bytes(bytes.data(), static_cast<int>(bytes.size())) != 1) {
      throw std::runtime_error("cannot make a random key for result cursors");
    }
    return bytes;
  }();
  return key;
}

/// The first 16 bytes of HMAC-SHA256(key, payload): enough that a cursor cannot be forged.
std::string signature(std::string_view payload) {
  const auto& key = signing_key();
  std::array<unsigned char, EVP_MAX_MD_SIZE> mac{};
  unsigned int length = 0;
  if (HMAC(EVP_sha256(), key.data(), static_cast<int>(key.size()),
           reinterpret_cast<const unsigned char*>(payload.data()), payload.size(), mac.data(),
           &length) == nullptr ||
      length < 16) {
    throw std::runtime_error("cannot sign a result cursor");
  }
  return {reinterpret_cast<const char*>(mac.data()), 16};
}

}  // namespace

bool valid_statement_handle(std::string_view handle) {
  if (handle.empty() || handle.size() > 128) return false;
  for (const char ch : handle) {
    const auto c = static_cast<unsigned char>(ch);
    if (!((c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '-' ||
          c == '_')) {
      return false;
    }
  }
  return true;
}

std::string encode_cursor(const ResultCursor& cursor) {
  json::JsonBuilder body;
  body.begin_object()
      .key("v")
      .number(1)
      .key("c")
      .string(cursor.connection)
      .key("h")
      .string(cursor.statement_handle)
      .key("o")
      .unsigned_number(cursor.offset)
      .key("n")
      .unsigned_number(cursor.page_size)
      .end_object();
  const std::string payload = base64url_encode(body.str());
  return payload + "." + base64url_encode(signature(payload));
}

std::optional<ResultCursor> decode_cursor(std::string_view text, std::string& error) {
  error =
      "the cursor is not one that this sfq server returned (copy next_cursor from a result "
      "exactly; cursors end when the server restarts, so run the query again then)";
  if (text.empty() || text.size() > kMaxCursor) return std::nullopt;
  const auto dot = text.find('.');
  if (dot == std::string_view::npos) return std::nullopt;
  const std::string_view payload = text.substr(0, dot);
  const auto mac = base64url_decode(text.substr(dot + 1));
  const std::string expected = signature(payload);
  if (!mac || mac->size() != expected.size() ||
      CRYPTO_memcmp(mac->data(), expected.data(), expected.size()) != 0) {
    return std::nullopt;
  }
  const auto decoded = base64url_decode(payload);
  if (!decoded) return std::nullopt;
  rapidjson::Document doc;
  doc.Parse(decoded->data(), decoded->size());
  if (doc.HasParseError() || !doc.IsObject()) return std::nullopt;
  const rapidjson::Value* version = json::member(&doc, "v");
  const rapidjson::Value* offset = json::member(&doc, "o");
  const rapidjson::Value* size = json::member(&doc, "n");
  auto connection = json::string_member(&doc, "c");
  auto handle = json::string_member(&doc, "h");
  if (version == nullptr || !version->IsInt() || version->GetInt() != 1 || offset == nullptr ||
      !offset->IsUint64() || size == nullptr || !size->IsUint64() || size->GetUint64() == 0 ||
      !connection || !handle || !valid_statement_handle(*handle)) {
    return std::nullopt;
  }
  error.clear();
  return ResultCursor{std::move(*connection), std::move(*handle), offset->GetUint64(),
                      size->GetUint64()};
}

}  // namespace sfq::mcp
