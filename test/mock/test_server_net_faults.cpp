// test_server_net_faults.cpp — faults a real network produces, driven over raw loopback sockets:
// a server that reads a request and never answers (blackhole), one that answers some requests
// and then goes silent (silent_after), refused and never-completing connects (refuse,
// connect_timeout), kept-alive connections closed between requests (close_idle), and a
// correctly framed gzip body whose deflate stream is corrupt (corrupt_gzip).
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>
#include <zlib.h>

#include "support/mock_test_support.hpp"

namespace {

using mock_snowflake::Counters;
using mock_snowflake::Fault;
using mock_snowflake::FaultKind;
using mock_test::parse_raw;
using mock_test::raw_exchange;
using std::chrono::milliseconds;
using std::chrono::seconds;

constexpr char kSubmit[] = "POST /api/v2/statements";

/// One client connection to the emulator, written and read by hand.
class RawConnection {
 public:
  explicit RawConnection(int port) : fd_(::socket(AF_INET, SOCK_STREAM, 0)) {
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(port));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    connected_ = ::connect(fd_, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    connect_errno_ = connected_ ? 0 : errno;
  }
  ~RawConnection() { ::close(fd_); }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  [[nodiscard]] bool connected() const { return connected_; }
  [[nodiscard]] int connect_errno() const { return connect_errno_; }

  bool send(const std::string& bytes) {
    return ::send(fd_, bytes.data(), bytes.size(), MSG_NOSIGNAL) ==
           static_cast<ssize_t>(bytes.size());
  }

  /// Reads until one whole response (headers + Content-Length body) is in, the peer closes,
  /// the connection fails, or `timeout` passes. `closed` tells whether the peer closed or reset.
  std::string read_response(milliseconds timeout, bool* closed = nullptr) {
    std::string received;
    const auto deadline = std::chrono::steady_clock::now() + timeout;
    char buffer[65536];
    if (closed != nullptr) *closed = false;
    for (;;) {
      if (parse_raw(received).complete) break;
      const auto left =
          std::chrono::duration_cast<milliseconds>(deadline - std::chrono::steady_clock::now());
      if (left.count() <= 0) break;
      pollfd entry{fd_, POLLIN, 0};
      if (::poll(&entry, 1, static_cast<int>(left.count())) <= 0) break;
      const ssize_t n = ::recv(fd_, buffer, sizeof buffer, 0);
      if (n <= 0) {
        if (closed != nullptr) *closed = true;
        break;
      }
      received.append(buffer, static_cast<std::size_t>(n));
    }
    return received;
  }

 private:
  int fd_;
  bool connected_ = false;
  int connect_errno_ = 0;
};

class MockserverNetFaults : public mock_test::MockServerTest {
 protected:
  void configure(mock_snowflake::ServerOptions& options) override { options.admin_endpoint = true; }

  [[nodiscard]] std::string post_request(bool keep_alive = false,
                                         const std::string& extra_headers = "") const {
    const std::string body = R"({"statement":"SELECT 1"})";
    return "POST /api/v2/statements HTTP/1.1\r\nHost: localhost\r\nAuthorization: Bearer " +
           token() +
           "\r\nContent-Type: application/json\r\nContent-Length: " + std::to_string(body.size()) +
           "\r\n" + extra_headers + (keep_alive ? "" : "Connection: close\r\n") + "\r\n" + body;
  }

  static Fault fault(FaultKind kind) {
    Fault f;
    f.kind = kind;
    f.method = "POST";
    f.path = "/api/v2/statements";
    return f;
  }

  /// True when a connect to the emulator's port completes within `wait`.
  bool connect_completes(milliseconds wait) const {
    const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_NONBLOCK, 0);
    sockaddr_in address{};
    address.sin_family = AF_INET;
    address.sin_port = htons(static_cast<std::uint16_t>(server_->port()));
    address.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
    bool ok = ::connect(fd, reinterpret_cast<sockaddr*>(&address), sizeof address) == 0;
    if (!ok && errno == EINPROGRESS) {
      pollfd entry{fd, POLLOUT, 0};
      if (::poll(&entry, 1, static_cast<int>(wait.count())) == 1) {
        int error = 0;
        socklen_t length = sizeof error;
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length);
        ok = error == 0;
      }
    }
    ::close(fd);
    return ok;
  }
};

TEST_F(MockserverNetFaults, BlackholeReadsTheRequestAndNeverAnswers) {
  server_->inject_fault(fault(FaultKind::blackhole));
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.connected());
  ASSERT_TRUE(connection.send(post_request()));
  ASSERT_TRUE(server_->wait_until(
      [](const Counters& c) { return c.requests_with(kSubmit, 0) == 1 && c.faults_injected == 1; },
      seconds(20)));
  bool closed = false;
  EXPECT_EQ(connection.read_response(milliseconds(300), &closed), "");
  EXPECT_FALSE(closed) << "the connection stays open";
  EXPECT_EQ(server_->counters().executions, 0u) << "a blackhole acts before processing";
  EXPECT_EQ(server_->counters().in_flight_requests, 0u);
  // Other connections are served meanwhile.
  EXPECT_EQ(post_sql("SELECT 1").status, 200);
  server_->stop();
  EXPECT_EQ(connection.read_response(seconds(20), &closed), "");
  EXPECT_TRUE(closed) << "stop() closes the held connection";
}

TEST_F(MockserverNetFaults, SilentAfterAnswersNRequestsThenGoesSilent) {
  Fault f;
  f.kind = FaultKind::silent_after;
  f.method = "*";
  f.path = "/api/v2/statements*";
  f.answers = 2;
  server_->inject_fault(f);
  EXPECT_EQ(parse_raw(raw_exchange(server_->port(), post_request())).status, 200);
  EXPECT_EQ(parse_raw(raw_exchange(server_->port(), post_request())).status, 200);
  RawConnection third(server_->port());
  ASSERT_TRUE(third.send(post_request()));
  bool closed = false;
  ASSERT_TRUE(
      server_->wait_until([](const Counters& c) { return c.faults_injected == 1; }, seconds(20)));
  EXPECT_EQ(third.read_response(milliseconds(300), &closed), "");
  EXPECT_FALSE(closed);
  EXPECT_EQ(server_->counters().executions, 2u);
  EXPECT_EQ(parse_raw(raw_exchange(server_->port(), post_request())).status, 200)
      << "one strike: the next request is answered";
}

TEST_F(MockserverNetFaults, SilentAfterTheSubmissionLeavesPollsUnanswered) {
  Fault f;
  f.kind = FaultKind::silent_after;
  f.path = "/api/v2/statements*";
  f.answers = 1;
  server_->inject_fault(f);
  const auto submitted = post_sql("SELECT 1", "?async=true");
  ASSERT_EQ(submitted.status, 202);
  const std::string handle = submitted.json()["statementHandle"].GetString();
  RawConnection poll(server_->port());
  ASSERT_TRUE(poll.send("GET /api/v2/statements/" + handle +
                        " HTTP/1.1\r\nHost: x\r\nAuthorization: Bearer " + token() +
                        "\r\nConnection: close\r\n\r\n"));
  ASSERT_TRUE(
      server_->wait_until([](const Counters& c) { return c.faults_injected == 1; }, seconds(20)));
  bool closed = false;
  EXPECT_EQ(poll.read_response(milliseconds(300), &closed), "");
  EXPECT_FALSE(closed);
}

TEST_F(MockserverNetFaults, RefuseClosesTheListenerForAWhileThenListensAgain) {
  Fault f = fault(FaultKind::refuse);
  f.duration = milliseconds(500);
  server_->inject_fault(f);
  EXPECT_EQ(raw_exchange(server_->port(), post_request()), "") << "the striking request is cut";
  RawConnection refused(server_->port());
  EXPECT_FALSE(refused.connected());
  EXPECT_EQ(refused.connect_errno(), ECONNREFUSED);
  ASSERT_TRUE(mock_test::eventually([&] { return RawConnection(server_->port()).connected(); }));
  EXPECT_EQ(post_sql("SELECT 1").status, 200) << "the same port serves again";
}

TEST_F(MockserverNetFaults, ConnectTimeoutLeavesConnectsPendingThenRecovers) {
  Fault f = fault(FaultKind::connect_timeout);
  f.duration = milliseconds(1500);
  server_->inject_fault(f);
  EXPECT_EQ(raw_exchange(server_->port(), post_request()), "");
  EXPECT_FALSE(connect_completes(milliseconds(300))) << "the SYN is never answered";
  ASSERT_TRUE(mock_test::eventually([&] { return connect_completes(milliseconds(500)); }));
  EXPECT_EQ(post_sql("SELECT 1").status, 200);
}

TEST_F(MockserverNetFaults, CloseIdleFailsTheNextRequestOnAKeptAliveConnection) {
  Fault f = fault(FaultKind::close_idle);
  server_->inject_fault(f);
  RawConnection connection(server_->port());
  ASSERT_TRUE(connection.send(post_request(true)));
  const auto first = parse_raw(connection.read_response(seconds(20)));
  ASSERT_TRUE(first.complete);
  EXPECT_EQ(first.status, 200);
  EXPECT_EQ(first.headers.count("Connection"), 0u) << "the answer promises keep-alive";
  // The client reuses the connection; the server has dropped it.
  connection.send(post_request(true));
  bool closed = false;
  EXPECT_EQ(connection.read_response(seconds(20), &closed), "");
  EXPECT_TRUE(closed);
  EXPECT_EQ(server_->counters().executions, 1u) << "the second request never ran";
  EXPECT_EQ(post_sql("SELECT 1").status, 200) << "a new connection works";
}

TEST_F(MockserverNetFaults, CorruptGzipIsFramedCorrectlyButDoesNotInflate) {
  server_->inject_fault(fault(FaultKind::corrupt_gzip));
  const auto response =
      parse_raw(raw_exchange(server_->port(), post_request(false, "Accept-Encoding: gzip\r\n")));
  ASSERT_TRUE(response.complete) << "Content-Length matches the bytes sent";
  EXPECT_EQ(response.status, 200);
  ASSERT_EQ(response.headers.count("Content-Encoding"), 1u);
  EXPECT_EQ(response.headers.find("Content-Encoding")->second, "gzip");
  ASSERT_GT(response.body.size(), 18u);
  EXPECT_EQ(static_cast<unsigned char>(response.body[0]), 0x1f) << "a gzip header";
  EXPECT_EQ(static_cast<unsigned char>(response.body[1]), 0x8b);
  z_stream stream{};
  ASSERT_EQ(inflateInit2(&stream, 16 + MAX_WBITS), Z_OK);
  std::string out(1 << 20, '\0');
  stream.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(response.body.data()));
  stream.avail_in = static_cast<uInt>(response.body.size());
  stream.next_out = reinterpret_cast<Bytef*>(out.data());
  stream.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&stream, Z_FINISH);
  inflateEnd(&stream);
  EXPECT_EQ(rc, Z_DATA_ERROR) << "the deflate stream is corrupt";
  EXPECT_EQ(server_->counters().executions, 1u);
}

TEST_F(MockserverNetFaults, NewKindsParseFromSpecsAndTheAdminEndpoint) {
  std::string error;
  const auto silent =
      mock_snowflake::parse_fault_spec("kind=silent_after,answers=3,path=/x*", error);
  ASSERT_TRUE(silent) << error;
  EXPECT_EQ(silent->kind, FaultKind::silent_after);
  EXPECT_EQ(silent->answers, 3);
  const auto refuse = mock_snowflake::parse_fault_spec("kind=refuse,duration_ms=250", error);
  ASSERT_TRUE(refuse) << error;
  EXPECT_EQ(refuse->duration, milliseconds(250));
  for (const char* kind : {"blackhole", "close_idle", "corrupt_gzip", "connect_timeout"}) {
    EXPECT_TRUE(mock_snowflake::parse_fault_spec(std::string("kind=") + kind, error)) << error;
  }
  EXPECT_FALSE(mock_snowflake::parse_fault_spec("kind=refuse,duration_ms=-1", error));

  const auto added =
      request("POST", "/__admin/faults",
              R"([{"kind":"blackhole","method":"GET"},{"kind":"silent_after","answers":2},)"
              R"({"kind":"refuse","duration_ms":100},{"kind":"close_idle"},)"
              R"({"kind":"corrupt_gzip"},{"kind":"connect_timeout","duration_ms":100}])");
  ASSERT_EQ(added.status, 200) << added.body;
  const auto listed = request("GET", "/__admin/faults");
  const auto faults = listed.json();
  ASSERT_EQ(faults["faults"].Size(), 6u);
  EXPECT_STREQ(faults["faults"][0]["kind"].GetString(), "blackhole");
  EXPECT_EQ(faults["faults"][1]["answers"].GetInt(), 2);
  EXPECT_EQ(faults["faults"][2]["duration_ms"].GetInt(), 100);
  EXPECT_STREQ(faults["faults"][5]["kind"].GetString(), "connect_timeout");
}

}  // namespace
