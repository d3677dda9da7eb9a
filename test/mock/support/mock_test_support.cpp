// mock_test_support.cpp — keys, JWTs, HTTP and raw-socket clients for the emulator's tests.
#include "mock_test_support.hpp"

#include <arpa/inet.h>
#include <netinet/in.h>
#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/rsa.h>
#include <openssl/x509.h>
#include <poll.h>
#include <sys/resource.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <fstream>
#include <sstream>
#include <thread>

namespace mock_test {
namespace {

std::string bio_text(BIO* bio) {
  char* data = nullptr;
  const long length = BIO_get_mem_data(bio, &data);
  return std::string(data, static_cast<std::size_t>(length));
}

std::string base64_std(const std::string& data) {
  std::string out(4 * ((data.size() + 2) / 3) + 1, '\0');
  const int n = EVP_EncodeBlock(reinterpret_cast<unsigned char*>(out.data()),
                                reinterpret_cast<const unsigned char*>(data.data()),
                                static_cast<int>(data.size()));
  out.resize(static_cast<std::size_t>(n));
  return out;
}

}  // namespace

RsaKey RsaKey::generate() {
  RsaKey out;
  EVP_PKEY* key = EVP_RSA_gen(2048);
  if (key == nullptr) throw std::runtime_error("RSA key generation failed");
  out.key_ = std::shared_ptr<void>(key, [](void* k) { EVP_PKEY_free(static_cast<EVP_PKEY*>(k)); });
  BIO* pub = BIO_new(BIO_s_mem());
  PEM_write_bio_PUBKEY(pub, key);
  out.public_pem_ = bio_text(pub);
  BIO_free(pub);
  BIO* priv = BIO_new(BIO_s_mem());
  PEM_write_bio_PrivateKey(priv, key, nullptr, nullptr, 0, nullptr, nullptr);
  out.private_pem_ = bio_text(priv);
  BIO_free(priv);
  return out;
}

std::string RsaKey::fingerprint() const {
  auto* key = static_cast<EVP_PKEY*>(key_.get());
  const int length = i2d_PUBKEY(key, nullptr);
  std::string der(static_cast<std::size_t>(length), '\0');
  auto* cursor = reinterpret_cast<unsigned char*>(der.data());
  i2d_PUBKEY(key, &cursor);
  std::string digest(32, '\0');
  unsigned int digest_length = 0;
  EVP_Digest(der.data(), der.size(), reinterpret_cast<unsigned char*>(digest.data()),
             &digest_length, EVP_sha256(), nullptr);
  return base64_std(digest);
}

std::string RsaKey::sign(const std::string& data, const std::string& alg) const {
  const EVP_MD* md = alg == "RS512" ? EVP_sha512() : alg == "RS384" ? EVP_sha384() : EVP_sha256();
  EVP_MD_CTX* context = EVP_MD_CTX_new();
  EVP_DigestSignInit(context, nullptr, md, nullptr, static_cast<EVP_PKEY*>(key_.get()));
  std::size_t length = 0;
  EVP_DigestSign(context, nullptr, &length, reinterpret_cast<const unsigned char*>(data.data()),
                 data.size());
  std::string signature(length, '\0');
  EVP_DigestSign(context, reinterpret_cast<unsigned char*>(signature.data()), &length,
                 reinterpret_cast<const unsigned char*>(data.data()), data.size());
  signature.resize(length);
  EVP_MD_CTX_free(context);
  return signature;
}

std::int64_t now_seconds() {
  return std::chrono::duration_cast<std::chrono::seconds>(
             std::chrono::system_clock::now().time_since_epoch())
      .count();
}

std::string base64url(const std::string& data) {
  std::string out = base64_std(data);
  for (char& c : out) {
    if (c == '+') c = '-';
    if (c == '/') c = '_';
  }
  while (!out.empty() && out.back() == '=') out.pop_back();
  return out;
}

std::string mint_jwt(const RsaKey& key, JwtClaims claims) {
  if (claims.iat == 0) claims.iat = now_seconds();
  if (claims.exp == 0) claims.exp = claims.iat + 59 * 60;
  const std::string fp = claims.fingerprint.value_or(key.fingerprint());
  const std::string header = R"({"alg":")" + claims.alg + R"(","typ":"JWT"})";
  const std::string payload = R"({"iss":")" + claims.account + "." + claims.user + ".SHA256:" + fp +
                              R"(","sub":")" + claims.account + "." + claims.user + R"(","iat":)" +
                              std::to_string(claims.iat) + R"(,"exp":)" +
                              std::to_string(claims.exp) + "}";
  const std::string signing_input = base64url(header) + "." + base64url(payload);
  return signing_input + "." + base64url(key.sign(signing_input, claims.alg));
}

std::string gunzip(const std::string& data) {
  z_stream stream{};
  EXPECT_EQ(inflateInit2(&stream, 15 + 16), Z_OK);
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  stream.avail_in = static_cast<uInt>(data.size());
  std::string out;
  std::array<char, 65536> buffer{};
  int status = Z_OK;
  while (status == Z_OK) {
    stream.next_out = reinterpret_cast<Bytef*>(buffer.data());
    stream.avail_out = static_cast<uInt>(buffer.size());
    status = inflate(&stream, Z_NO_FLUSH);
    out.append(buffer.data(), buffer.size() - stream.avail_out);
  }
  inflateEnd(&stream);
  EXPECT_EQ(status, Z_STREAM_END) << "not a complete gzip stream";
  return out;
}

rapidjson::Document parse_json(const std::string& text) {
  rapidjson::Document document;
  document.Parse(text.data(), text.size());
  EXPECT_FALSE(document.HasParseError()) << "not JSON: " << text.substr(0, 500);
  return document;
}

std::vector<std::string> keys_of(const rapidjson::Value& object) {
  std::vector<std::string> keys;
  if (!object.IsObject()) return keys;
  for (auto it = object.MemberBegin(); it != object.MemberEnd(); ++it) {
    keys.emplace_back(it->name.GetString(), it->name.GetStringLength());
  }
  return keys;
}

std::string read_text_file(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  EXPECT_TRUE(in.good()) << "cannot read " << path;
  std::ostringstream text;
  text << in.rdbuf();
  return text.str();
}

rapidjson::Document doc_fixture(const std::string& name) {
  return parse_json(read_text_file(std::string(SFQ_TEST_DATA_DIR) + "/sqlapi-docs/" + name));
}

bool eventually(const std::function<bool()>& condition, std::chrono::milliseconds timeout) {
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  while (std::chrono::steady_clock::now() < deadline) {
    if (condition()) return true;
    std::this_thread::sleep_for(std::chrono::milliseconds(5));  // polling, not synchronisation
  }
  return condition();
}

std::string HttpResult::header(const std::string& name) const {
  const auto it = headers.find(name);
  return it == headers.end() ? std::string() : it->second;
}

void MockServerTest::SetUp() {
  options_.sync_window = std::chrono::seconds(30);  // generous: the machine may be loaded
  // Seeding TPC-H takes seconds under the sanitizers; tests that query it opt in.
  options_.sample_data = false;
  options_.public_keys_pem = {key().public_pem()};
  configure(options_);
  server_ = std::make_unique<mock_snowflake::Server>(options_);
  std::string error;
  ASSERT_TRUE(server_->start(error)) << error;
}

void MockServerTest::TearDown() {
  if (server_) server_->stop();
}

const RsaKey& MockServerTest::key() {
  static const RsaKey kKey = RsaKey::generate();
  return kKey;
}

const RsaKey& MockServerTest::second_key() {
  static const RsaKey kKey = RsaKey::generate();
  return kKey;
}

HttpResult MockServerTest::request(const std::string& method, const std::string& target,
                                   const std::string& body, httplib::Headers headers) {
  httplib::Client client("127.0.0.1", server_->port());
  client.set_decompress(false);
  client.set_read_timeout(60, 0);
  if (headers.find("Authorization") == headers.end()) {
    headers.emplace("Authorization", "Bearer " + token());
  }
  if (headers.find("Accept-Encoding") == headers.end()) {
    headers.emplace("Accept-Encoding", "identity");
  }
  headers.emplace("User-Agent", "mock-tests/1.0");
  headers.emplace("Accept", "application/json");
  httplib::Result result{nullptr, httplib::Error::Unknown};
  if (method == "GET") {
    result = client.Get(target, headers);
  } else if (method == "POST") {
    result = client.Post(target, headers, body, "application/json");
  } else if (method == "PUT") {
    result = client.Put(target, headers, body, "application/json");
  } else if (method == "DELETE") {
    result = client.Delete(target, headers);
  }
  HttpResult out;
  if (!result) return out;
  out.status = result->status;
  out.headers = result->headers;
  out.raw_body = result->body;
  out.gzipped = result->get_header_value("Content-Encoding") == "gzip";
  out.body = out.gzipped ? gunzip(out.raw_body) : out.raw_body;
  return out;
}

HttpResult MockServerTest::post_statement(const std::string& body, const std::string& query,
                                          httplib::Headers headers) {
  return request("POST", "/api/v2/statements" + query, body, std::move(headers));
}

HttpResult MockServerTest::post_sql(const std::string& sql, const std::string& query) {
  std::string body = R"({"statement":")";
  for (const char c : sql) {
    if (c == '"' || c == '\\') body.push_back('\\');
    if (c == '\n') {
      body += "\\n";
      continue;
    }
    body.push_back(c);
  }
  body += R"("})";
  return post_statement(body, query);
}

HttpResult MockServerTest::get(const std::string& target, httplib::Headers headers) {
  return request("GET", target, "", std::move(headers));
}

HttpResult MockServerTest::wait_finished(const std::string& handle) {
  HttpResult last;
  eventually([&] {
    last = get("/api/v2/statements/" + handle);
    return last.status != 202;
  });
  return last;
}

std::string raw_exchange(int port, const std::string& request, std::chrono::milliseconds timeout) {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  sockaddr_in address{};
  address.sin_family = AF_INET;
  address.sin_port = htons(static_cast<std::uint16_t>(port));
  address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) != 0) {
    ::close(fd);
    return {};
  }
  std::size_t sent = 0;
  while (sent < request.size()) {
    const ssize_t n = ::send(fd, request.data() + sent, request.size() - sent, MSG_NOSIGNAL);
    if (n <= 0) break;
    sent += static_cast<std::size_t>(n);
  }
  std::string received;
  const auto deadline = std::chrono::steady_clock::now() + timeout;
  std::array<char, 65536> buffer{};
  for (;;) {
    const auto left = std::chrono::duration_cast<std::chrono::milliseconds>(
        deadline - std::chrono::steady_clock::now());
    if (left.count() <= 0) break;
    pollfd entry{fd, POLLIN, 0};
    if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) break;
    const ssize_t n = ::recv(fd, buffer.data(), buffer.size(), 0);
    if (n <= 0) break;
    received.append(buffer.data(), static_cast<std::size_t>(n));
  }
  ::close(fd);
  return received;
}

RawResponse parse_raw(const std::string& bytes) {
  RawResponse out;
  const auto end = bytes.find("\r\n\r\n");
  if (end == std::string::npos) return out;
  std::istringstream head(bytes.substr(0, end));
  std::string line;
  std::getline(head, line);
  if (line.rfind("HTTP/1.1 ", 0) == 0) out.status = std::stoi(line.substr(9, 3));
  while (std::getline(head, line)) {
    if (!line.empty() && line.back() == '\r') line.pop_back();
    const auto colon = line.find(':');
    if (colon == std::string::npos) continue;
    std::string value = line.substr(colon + 1);
    while (!value.empty() && value.front() == ' ') value.erase(0, 1);
    out.headers.emplace(line.substr(0, colon), value);
  }
  out.body = bytes.substr(end + 4);
  const auto length = out.headers.find("Content-Length");
  if (length != out.headers.end()) {
    out.content_length = std::stoul(length->second);
    out.complete = out.body.size() >= out.content_length;
  }
  return out;
}

void raise_descriptor_limit() {
  rlimit limit{};
  if (getrlimit(RLIMIT_NOFILE, &limit) == 0 && limit.rlim_cur < limit.rlim_max) {
    limit.rlim_cur = limit.rlim_max;
    setrlimit(RLIMIT_NOFILE, &limit);
  }
}

}  // namespace mock_test
