// sha256.cpp — see sha256.hpp.
#include "sha256.hpp"

#include <openssl/evp.h>

namespace mock_snowflake::detail {

std::string sha256(std::string_view data) {
  std::string out(32, '\0');
  unsigned int length = 0;
  EVP_Digest(data.data(), data.size(), reinterpret_cast<unsigned char*>(out.data()), &length,
             EVP_sha256(), nullptr);
  out.resize(length);
  return out;
}

}  // namespace mock_snowflake::detail
