// openssl.cpp — OpenSSL RAII helpers, error queue, base64, SecretBuffer.
#include "auth/openssl.hpp"

#include <openssl/crypto.h>
#include <openssl/err.h>

#include <cctype>
#include <climits>
#include <cstring>
#include <utility>

namespace sfq::detail {

std::string take_openssl_error() {
  unsigned long last = 0;
  // Keep the most recent entry: it is the outermost reason ("bad decrypt" rather than the
  // ASN.1 detail beneath it).
  while (const unsigned long code = ERR_get_error()) last = code;
  if (last == 0) return {};
  const char* reason = ERR_reason_error_string(last);
  return reason != nullptr ? std::string(reason) : "error " + std::to_string(ERR_GET_REASON(last));
}

BioPtr memory_bio(std::string_view data) {
  if (data.size() > static_cast<std::size_t>(INT_MAX)) return nullptr;
  return BioPtr(BIO_new_mem_buf(data.data(), static_cast<int>(data.size())));
}

std::string_view bio_contents(BIO* bio) {
  char* data = nullptr;
  const long size = BIO_get_mem_data(bio, &data);
  if (size <= 0 || data == nullptr) return {};
  return {data, static_cast<std::size_t>(size)};
}

std::string base64_encode(std::string_view bytes) {
  if (bytes.empty()) return {};
  std::string out(4 * ((bytes.size() + 2) / 3), '\0');
  // EVP_EncodeBlock writes no line breaks (unlike the BIO filter) and pads with '='.
  const int written = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(bytes.data()),
                                      static_cast<int>(bytes.size()));
  out.resize(written > 0 ? static_cast<std::size_t>(written) : 0);
  return out;
}

bool base64_decode(std::string_view text, std::string& out) {
  std::string compact;
  compact.reserve(text.size());
  for (const char c : text) {
    if (std::isspace(static_cast<unsigned char>(c)) != 0) continue;
    const bool valid =
        std::isalnum(static_cast<unsigned char>(c)) != 0 || c == '+' || c == '/' || c == '=';
    if (!valid) return false;
    compact.push_back(c);
  }
  if (compact.empty() || compact.size() % 4 != 0) return false;
  // '=' may only pad the last quantum.
  const std::size_t first_pad = compact.find('=');
  if (first_pad != std::string::npos &&
      (first_pad < compact.size() - 2 ||
       compact.find_first_not_of('=', first_pad) != std::string::npos)) {
    return false;
  }
  out.assign(compact.size() / 4 * 3, '\0');
  // EVP_DecodeBlock does not understand padding: it decodes '=' as zero bits, so trim the bytes
  // the padding stands for.
  const int decoded = EVP_DecodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                      reinterpret_cast<const unsigned char*>(compact.data()),
                                      static_cast<int>(compact.size()));
  if (decoded < 0) return false;
  std::size_t padding = 0;
  if (compact.back() == '=') ++padding;
  if (compact.size() >= 2 && compact[compact.size() - 2] == '=') ++padding;
  out.resize(static_cast<std::size_t>(decoded) - padding);
  return true;
}

SecretBuffer::SecretBuffer(std::size_t size)
    : data_(size > 0 ? std::make_unique<char[]>(size) : nullptr), size_(size), capacity_(size) {}

SecretBuffer::SecretBuffer(std::string_view bytes) : SecretBuffer(bytes.size()) {
  if (!bytes.empty()) std::memcpy(data_.get(), bytes.data(), bytes.size());
}

SecretBuffer::~SecretBuffer() { wipe(); }

SecretBuffer::SecretBuffer(SecretBuffer&& other) noexcept
    : data_(std::move(other.data_)),
      size_(std::exchange(other.size_, 0)),
      capacity_(std::exchange(other.capacity_, 0)) {}

SecretBuffer& SecretBuffer::operator=(SecretBuffer&& other) noexcept {
  if (this != &other) {
    wipe();
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    capacity_ = std::exchange(other.capacity_, 0);
  }
  return *this;
}

void SecretBuffer::truncate(std::size_t size) noexcept {
  if (size >= size_) return;
  OPENSSL_cleanse(data_.get() + size, size_ - size);
  size_ = size;
}

void SecretBuffer::wipe() noexcept {
  if (data_ != nullptr) OPENSSL_cleanse(data_.get(), capacity_);
  data_.reset();
  size_ = 0;
  capacity_ = 0;
}

}  // namespace sfq::detail
