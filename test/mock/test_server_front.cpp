// test_server_front.cpp — the emulator's own HTTP/1.1 front over raw sockets: keep-alive,
// pipelined requests answered in order, `Expect: 100-continue`, chunked request bodies,
// HTTP/1.0, malformed requests, the Date / Server / Vary headers the real service sends, and
// the second the real service takes to answer a timed-out POST.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cmath>
#include <cstdio>
#include <ctime>
#include <functional>

#include "support/mock_test_support.hpp"

namespace {

using mock_test::parse_raw;
using mock_test::raw_exchange;
using std::chrono::milliseconds;
using std::chrono::seconds;

class Socket {
 public:
  explicit Socket(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
  }
  ~Socket() { ::close(fd_); }
  Socket(const Socket&) = delete;
  Socket& operator=(const Socket&) = delete;
  [[nodiscard]] bool connected() const { return connected_; }
  void send(const std::string& bytes) {
    ASSERT_EQ(::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL),
              static_cast<ssize_t>(bytes.size()));
  }
  /// Reads until `done(received)` holds, the peer closes, or 20 s pass.
  std::string read_until(const std::function<bool(const std::string&)>& done) {
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() + seconds(20);
    char buffer[65536];
    while (!done(received) && std::chrono::steady_clock::now() < deadline) {
      pollfd entry{fd_, POLLIN, 0};
      if (::poll(&entry, 1, 200) <= 0) continue;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        closed_ = true;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
  }
  [[nodiscard]] bool closed() const { return closed_; }

 private:
  int fd_;
  bool connected_ = false;
  bool closed_ = false;
};

/// How many complete responses `bytes` holds (status line, headers, Content-Length body).
std::size_t count_responses(std::string bytes) {
  std::size_t count = 0;
  for (;;) {
    const auto response = parse_raw(bytes);
    if (!response.complete) return count;
    ++count;
    const auto end = bytes.find("\r\n\r\n") + 4 + response.content_length;
    bytes.erase(0, end);
  }
}

class MockserverFront : public mock_test::MockServerTest {
 protected:
  [[nodiscard]] std::string post(const std::string& sql, const std::string& extra = "",
                                 const std::string& version = "HTTP/1.1") const {
    const std::string body = R"({"statement":")" + sql + R"("})";
    return "POST /api/v2/statements " + version + "\r\nHost: x\r\nAuthorization: Bearer " +
           token() +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n" + extra + "\r\n" + body;
  }
};

TEST_F(MockserverFront, KeepAliveServesManyRequestsOnOneConnection) {
  Socket socket(server_->port());
  ASSERT_TRUE(socket.connected());
  for (int i = 0; i < 3; ++i) {
    socket.send(post("SELECT " + std::to_string(i)));
    const auto response =
        parse_raw(socket.read_until([](const std::string& r) { return parse_raw(r).complete; }));
    ASSERT_TRUE(response.complete);
    EXPECT_EQ(response.status, 200);
    EXPECT_STREQ(mock_test::parse_json(response.body)["data"][0][0].GetString(),
                 std::to_string(i).c_str());
  }
  EXPECT_FALSE(socket.closed());
}

TEST_F(MockserverFront, PipelinedRequestsAreAnsweredInOrder) {
  Socket socket(server_->port());
  // The first statement is slower than the second; the answers still come in request order.
  socket.send(post("SELECT SYSTEM$WAIT(200, 'MILLISECONDS')") + post("SELECT 'second'") +
              post("SELECT 'third'", "Connection: close\r\n"));
  const std::string received = socket.read_until([](const std::string&) { return false; });
  EXPECT_TRUE(socket.closed()) << "Connection: close on the last request";
  ASSERT_EQ(count_responses(received), 3u) << received;
  const auto first = received.find("waited");
  const auto second = received.find("second");
  const auto third = received.find("third");
  ASSERT_NE(first, std::string::npos);
  EXPECT_LT(first, second);
  EXPECT_LT(second, third);
}

TEST_F(MockserverFront, ExpectContinueGets100BeforeTheBody) {
  Socket socket(server_->port());
  const std::string body = R"({"statement":"SELECT 7"})";
  socket.send("POST /api/v2/statements HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() +
              "\r\nContent-Type: application/json\r\nContent-Length: " +
              std::to_string(body.size()) + "\r\nExpect: 100-continue\r\n\r\n");
  const std::string interim = socket.read_until(
      [](const std::string& r) { return r.find("\r\n\r\n") != std::string::npos; });
  EXPECT_EQ(interim, "HTTP/1.1 100 Continue\r\n\r\n");
  socket.send(body);
  const auto response =
      parse_raw(socket.read_until([](const std::string& r) { return parse_raw(r).complete; }));
  EXPECT_EQ(response.status, 200);
  EXPECT_STREQ(mock_test::parse_json(response.body)["data"][0][0].GetString(), "7");
}

TEST_F(MockserverFront, ChunkedRequestBodyIsDecoded) {
  const std::string body = R"({"statement":"SELECT 42"})";
  const std::size_t first = 5;
  char rest_size[16];
  std::snprintf(rest_size, sizeof rest_size, "%zx", body.size() - first);
  const std::string chunked =
      "POST /api/v2/statements HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() +
      "\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n"
      "Connection: close\r\n\r\n5\r\n" +
      body.substr(0, first) + "\r\n" + rest_size + "\r\n" + body.substr(first) + "\r\n0\r\n\r\n";
  const auto response = parse_raw(raw_exchange(server_->port(), chunked));
  ASSERT_TRUE(response.complete);
  EXPECT_EQ(response.status, 200);
  EXPECT_STREQ(mock_test::parse_json(response.body)["data"][0][0].GetString(), "42");
}

TEST_F(MockserverFront, Http10ClosesAfterTheAnswer) {
  Socket socket(server_->port());
  socket.send(post("SELECT 1", "", "HTTP/1.0"));
  const std::string received = socket.read_until([](const std::string&) { return false; });
  EXPECT_TRUE(socket.closed());
  EXPECT_EQ(parse_raw(received).status, 200);
}

TEST_F(MockserverFront, MalformedRequestsGet400AndTheConnectionCloses) {
  for (const std::string bad : {"NOT A REQUEST\r\n\r\n", "GET / HTTP/1.1\r\nNo colon here\r\n\r\n",
                                "POST / HTTP/1.1\r\nContent-Length: x\r\n\r\n"}) {
    const auto response = parse_raw(raw_exchange(server_->port(), bad));
    EXPECT_EQ(response.status, 400) << bad;
  }
  EXPECT_EQ(parse_raw(raw_exchange(server_->port(), "GET / HTTP/2.0\r\n\r\n")).status, 505);
  EXPECT_EQ(post_sql("SELECT 1").status, 200) << "the server carries on";
}

TEST_F(MockserverFront, BytesThatCannotOpenARequestGet400WithoutWaitingForMore) {
  // The start of a TLS ClientHello (a client speaking HTTPS to this plain port): no blank line
  // will ever come, so the answer must not wait for one (the read limit is 30 s; 5 s here).
  const std::string client_hello("\x16\x03\x01\x02\x00\x01\x00\x01\xfc\x03\x03", 11);
  const std::string over_long_method(40, 'G');
  for (const std::string& bad : {client_hello + std::string(32, '\0'), over_long_method}) {
    const auto response = parse_raw(raw_exchange(server_->port(), bad, seconds(5)));
    EXPECT_EQ(response.status, 400) << bad.size() << " bytes";
  }
  // A method arriving a byte at a time is still read as one.
  Socket socket(server_->port());
  ASSERT_TRUE(socket.connected());
  const std::string request = post("SELECT 1");
  socket.send(request.substr(0, 1));
  socket.send(request.substr(1, 2));
  socket.send(request.substr(3));
  const std::string received =
      socket.read_until([](const std::string& bytes) { return parse_raw(bytes).complete; });
  EXPECT_EQ(parse_raw(received).status, 200);
}

/// True when `text` is an RFC 7231 IMF-fixdate within a minute of now.
bool is_current_http_date(const std::string& text) {
  std::tm parsed{};
  const char* end = strptime(text.c_str(), "%a, %d %b %Y %H:%M:%S GMT", &parsed);
  if (end == nullptr || *end != '\0' || text.size() != 29) return false;
  const std::time_t when = timegm(&parsed);
  return std::abs(std::difftime(std::time(nullptr), when)) < 60;
}

TEST_F(MockserverFront, EveryAnswerCarriesDateAndServer) {
  const auto ok = post_sql("SELECT 1");
  const auto error = post_statement("not json");
  const auto missing = request("GET", "/nowhere");
  for (const auto* result : {&ok, &error, &missing}) {
    EXPECT_TRUE(is_current_http_date(result->header("Date"))) << result->header("Date");
    EXPECT_EQ(result->header("Server"), "SF-LB-T1");
  }
  EXPECT_EQ(ok.status, 200);
  EXPECT_EQ(error.status, 400);
  EXPECT_EQ(missing.status, 404);
}

TEST_F(MockserverFront, VaryOnSuccessOnErrorsAndOnLaterPartitions) {
  EXPECT_EQ(post_sql("SELECT 1").header("Vary"), "Accept-Encoding, User-Agent");
  const auto failed = post_sql("SELECT * FROM no_such_table");
  EXPECT_EQ(failed.status, 422);
  EXPECT_EQ(failed.header("Vary"), "Accept-Encoding") << "errors vary on the encoding only";
  EXPECT_EQ(post_statement("not json").header("Vary"), "Accept-Encoding");

  // Enough rows for a second partition.
  const auto many = post_sql(
      "SELECT SEQ4() AS N, RANDSTR(200, RANDOM()) AS S FROM TABLE(GENERATOR(ROWCOUNT => 2000))");
  ASSERT_EQ(many.status, 200) << many.body;
  const auto json = many.json();
  ASSERT_GT(json["resultSetMetaData"]["partitionInfo"].Size(), 1u);
  const std::string handle = json["statementHandle"].GetString();
  const auto later = get("/api/v2/statements/" + handle + "?partition=1");
  EXPECT_EQ(later.status, 200);
  EXPECT_EQ(later.headers.count("Vary"), 0u) << "later partitions carry no Vary";
  EXPECT_TRUE(is_current_http_date(later.header("Date")));
}

TEST_F(MockserverFront, TimeoutAnswers408AboutASecondAfterTheTimeout) {
  server_->set_sync_window(seconds(60));
  const auto started = std::chrono::steady_clock::now();
  const auto result =
      post_statement(R"json({"statement":"SELECT SYSTEM$WAIT(60)","timeout":1})json");
  const auto elapsed = std::chrono::steady_clock::now() - started;
  ASSERT_EQ(result.status, 408) << result.body;
  // A lower bound only: the 408 cannot come before timeout + the real service's extra second.
  EXPECT_GE(elapsed, milliseconds(1900));
  const std::string handle = result.json()["statementHandle"].GetString();
  EXPECT_EQ(server_->statement_state(handle), mock_snowflake::StatementState::timed_out);
}

}  // namespace
