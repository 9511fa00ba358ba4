// Tokens, roles, TLS, limits and the strict parser through real gRPC against an in-process
// server: what a client sees. The unit tests of server/auth and server/transport cover the parts;
// this checks that the server puts them in front of every handler.
#include <gmock/gmock.h>
#include <grpcpp/generic/generic_stub.h>
#include <grpcpp/grpcpp.h>
#include <grpcpp/impl/codegen/client_unary_call.h>
#include <gtest/gtest.h>

#include <fstream>
#include <map>
#include <memory>
#include <string>

#include "grpc/health/v1/health.grpc.pb.h"
#include "server/auth/token_table.h"
#include "server_harness.h"
#include "storage/audit_log.h"
#include "storage/read_view.h"
#include "storage/storage.h"
#include "test_certs.h"
#include "test_fixtures.h"

namespace leadrouter::testing {
namespace {

using ::testing::HasSubstr;

constexpr char kRules[] = "rule \"all\"\n  when true\n  distribute round_robin\n";
constexpr char kReps[] = "id,name\nana,Ana\n";

// A token file for four callers, one per role.
std::string TokenFile() {
  std::string text = "# test tokens\n";
  for (const auto& [token, principal, role] :
       {std::tuple{"tok-admin", "root", "admin"}, std::tuple{"tok-manager", "ana", "manager"},
        std::tuple{"tok-service", "crm", "service"}, std::tuple{"tok-viewer", "bob", "viewer"}}) {
    text += server::auth::TokenHash(token) + " " + principal + " " + role + "\n";
  }
  return text;
}

void WriteFile(const std::string& path, const std::string& text) {
  std::ofstream(path, std::ios::trunc) << text;
}

// A call with `token` as its bearer token (none when empty).
template <typename Fn>
grpc::Status CallWith(const std::string& token, Fn&& fn) {
  grpc::ClientContext context;
  context.set_deadline(std::chrono::system_clock::now() + std::chrono::seconds(10));
  if (!token.empty()) context.AddMetadata("authorization", "Bearer " + token);
  return fn(&context);
}

class AuthTest : public ::testing::Test {
 protected:
  AuthTest()
      : server_({.rules = kRules, .reps_csv = kReps, .configure = [this](server::ServerOptions& o) {
                   WriteFile(tokens_path(), TokenFile());
                   o.security.auth_tokens_file = tokens_path();
                 }}) {}

  std::string tokens_path() const { return server_dir_.Child("tokens"); }

  grpc::Status Assign(const std::string& token, const std::string& lead_id) {
    v1::AssignResponse response;
    return CallWith(token, [&](grpc::ClientContext* c) {
      return server_.assignments().Assign(c, AssignOf(MakeLead(lead_id, "web", 50)), &response);
    });
  }
  grpc::Status ListReps(const std::string& token) {
    v1::ListRepsResponse response;
    return CallWith(token, [&](grpc::ClientContext* c) {
      return server_.reps().List(c, v1::ListRepsRequest(), &response);
    });
  }

  TempDir server_dir_;  // before server_: its configure writes here
  ServerHarness server_;
};

TEST_F(AuthTest, NoOrUnknownTokenIsUnauthenticated) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  const grpc::Status none = ListReps("");
  EXPECT_EQ(none.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_THAT(none.error_message(), HasSubstr("authorization"));
  const grpc::Status unknown = ListReps("tok-nobody");
  EXPECT_EQ(unknown.error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_FALSE(unknown.error_message().empty());
  EXPECT_THAT(unknown.error_message(), ::testing::Not(HasSubstr("tok-nobody")));
}

TEST_F(AuthTest, EachRoleMayDoWhatItsRowSaysAndNoMore) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  for (const char* token : {"tok-admin", "tok-manager", "tok-service", "tok-viewer"}) {
    EXPECT_TRUE(ListReps(token).ok()) << token;
  }
  EXPECT_TRUE(Assign("tok-service", "l1").ok());
  EXPECT_TRUE(Assign("tok-admin", "l2").ok());
  const grpc::Status viewer = Assign("tok-viewer", "l3");
  EXPECT_EQ(viewer.error_code(), grpc::StatusCode::PERMISSION_DENIED);
  EXPECT_THAT(viewer.error_message(), HasSubstr("bob"));
  EXPECT_THAT(viewer.error_message(), HasSubstr("viewer"));
  EXPECT_THAT(viewer.error_message(), HasSubstr("AssignmentService/Assign"));
  EXPECT_EQ(Assign("tok-manager", "l4").error_code(), grpc::StatusCode::PERMISSION_DENIED);
  // The refused calls stored nothing.
  v1::GetLeadResponse lead;
  v1::GetLeadRequest get;
  get.set_name("leads/l3");
  EXPECT_EQ(
      CallWith("tok-viewer",
               [&](grpc::ClientContext* c) { return server_.assignments().GetLead(c, get, &lead); })
          .error_code(),
      grpc::StatusCode::NOT_FOUND);
}

TEST_F(AuthTest, HealthChecksNeedNoToken) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  auto health = grpc::health::v1::Health::NewStub(
      grpc::CreateChannel(server_.address(), grpc::InsecureChannelCredentials()));
  grpc::health::v1::HealthCheckResponse response;
  EXPECT_TRUE(CallWith("", [&](grpc::ClientContext* c) {
                return health->Check(c, grpc::health::v1::HealthCheckRequest(), &response);
              }).ok());
}

TEST_F(AuthTest, ReloadRevokesAndAddsTokensAndKeepsTheOldTableWhenTheNewIsBroken) {
  ASSERT_TRUE(server_.status().ok()) << server_.status();
  WriteFile(tokens_path(), server::auth::TokenHash("tok-new") + " carol viewer\n");
  ASSERT_TRUE(server_.server().ReloadSecurity().ok());
  EXPECT_EQ(ListReps("tok-viewer").error_code(), grpc::StatusCode::UNAUTHENTICATED);
  EXPECT_TRUE(ListReps("tok-new").ok());

  WriteFile(tokens_path(), "sha256:nothex carol viewer\n");
  const absl::Status broken = server_.server().ReloadSecurity();
  EXPECT_EQ(broken.code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(broken.message(), HasSubstr("tokens:1"));
  EXPECT_TRUE(ListReps("tok-new").ok()) << "the old table stays in force";
}

// The principal a token authenticates is recorded beside the actor the caller names (the person
// a service acts for), in the history the API returns and in the audit log.
TEST_F(AuthTest, ThePrincipalIsRecordedBesideTheActorInHistoryAndAudit) {
  v1::AssignRequest assign = AssignOf(MakeLead("p1", "web", 50));
  assign.set_actor("agent-7");
  v1::AssignResponse assigned;
  ASSERT_TRUE(CallWith("tok-service", [&](grpc::ClientContext* c) {
                return server_.assignments().Assign(c, assign, &assigned);
              }).ok());
  EXPECT_EQ(assigned.assignment().principal(), "crm");
  EXPECT_EQ(assigned.assignment().actor(), "agent-7");

  v1::SetPinRequest pin;
  pin.set_lead("leads/p1");
  pin.set_pinned(true);
  pin.set_actor("team-lead");
  pin.set_reason("key account");
  v1::SetPinResponse pinned;
  ASSERT_TRUE(CallWith("tok-manager", [&](grpc::ClientContext* c) {
                return server_.assignments().SetPin(c, pin, &pinned);
              }).ok());

  v1::ListAssignmentsRequest list;
  list.set_parent("leads/p1");
  v1::ListAssignmentsResponse history;
  ASSERT_TRUE(CallWith("tok-viewer", [&](grpc::ClientContext* c) {
                return server_.assignments().ListAssignments(c, list, &history);
              }).ok());
  ASSERT_EQ(history.assignments_size(), 1);
  EXPECT_EQ(history.assignments(0).principal(), "crm");
  EXPECT_EQ(history.assignments(0).actor(), "agent-7");

  server_.Shutdown();
  server_.server().Wait();
  auto storage = storage::Storage::Open(server_.db_path());
  ASSERT_TRUE(storage.ok()) << storage.status();
  std::map<std::string, std::pair<std::string, std::string>> by_action;  // actor, principal
  {
    storage::DatabaseView view((*storage)->database());
    ASSERT_TRUE(storage::ReadAudit(view, 1, [&](const storage::AuditRecord& record) {
                  by_action[record.action()] = {record.actor(), record.principal()};
                  return true;
                }).ok());
  }
  using ActorAndPrincipal = std::pair<std::string, std::string>;
  EXPECT_EQ(by_action["lead.assign"], ActorAndPrincipal("agent-7", "crm"));
  EXPECT_EQ(by_action["lead.pin"], ActorAndPrincipal("team-lead", "ana"));
  // The roster file loaded at start is the server's own doing: no principal.
  EXPECT_EQ(by_action["rep.create"].second, "");
  EXPECT_TRUE((*storage)->Close().ok());
}

TEST(ListenerTest, RefusesANonLoopbackListenerWithoutTls) {
  ServerHarness server(
      {.configure = [](server::ServerOptions& o) { o.listen_address = "0.0.0.0:0"; }});
  EXPECT_EQ(server.status().code(), absl::StatusCode::kInvalidArgument);
  EXPECT_THAT(server.status().message(), HasSubstr("--insecure"));
}

// TLS and mutual TLS with a throwaway CA made now.
class TlsTest : public ::testing::Test {
 protected:
  std::unique_ptr<ServerHarness> StartTls(bool mutual) {
    return std::make_unique<ServerHarness>(HarnessOptions{
        .rules = kRules, .reps_csv = kReps, .configure = [&](server::ServerOptions& o) {
          WriteFile(certs_.Path("tokens"), TokenFile());
          o.security.auth_tokens_file = certs_.Path("tokens");
          o.security.tls_cert = certs_.Path("server.crt");
          o.security.tls_key = certs_.Path("server.key");
          if (mutual) o.security.tls_client_ca = certs_.Path("ca.crt");
        }});
  }

  // ListReps over TLS trusting `ca`, presenting `client` (a certificate name; none when empty).
  grpc::Status ListRepsOverTls(const ServerHarness& server, const std::string& ca,
                               const std::string& client) {
    grpc::SslCredentialsOptions ssl;
    ssl.pem_root_certs = certs_.Read(ca);
    if (!client.empty()) {
      ssl.pem_cert_chain = certs_.Read(client + ".crt");
      ssl.pem_private_key = certs_.Read(client + ".key");
    }
    auto stub =
        v1::RepService::NewStub(grpc::CreateChannel(server.address(), grpc::SslCredentials(ssl)));
    v1::ListRepsResponse response;
    return CallWith("tok-viewer", [&](grpc::ClientContext* c) {
      return stub->List(c, v1::ListRepsRequest(), &response);
    });
  }

  TestCerts certs_;
};

TEST_F(TlsTest, ServesTlsToClientsThatTrustItsCaAndRefusesTheOthers) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  std::unique_ptr<ServerHarness> server = StartTls(/*mutual=*/false);
  ASSERT_TRUE(server->status().ok()) << server->status();
  const grpc::Status good = ListRepsOverTls(*server, "ca.crt", "");
  EXPECT_TRUE(good.ok()) << good.error_message();
  const grpc::Status wrong_ca = ListRepsOverTls(*server, "other-ca.crt", "");
  EXPECT_EQ(wrong_ca.error_code(), grpc::StatusCode::UNAVAILABLE);
  // A plaintext client is refused too.
  auto plain = v1::RepService::NewStub(
      grpc::CreateChannel(server->address(), grpc::InsecureChannelCredentials()));
  v1::ListRepsResponse response;
  EXPECT_EQ(CallWith("tok-viewer",
                     [&](grpc::ClientContext* c) {
                       return plain->List(c, v1::ListRepsRequest(), &response);
                     })
                .error_code(),
            grpc::StatusCode::UNAVAILABLE);
}

TEST_F(TlsTest, MutualTlsAcceptsOnlyClientCertificatesOfItsCa) {
  ASSERT_TRUE(certs_.ok()) << certs_.error();
  std::unique_ptr<ServerHarness> server = StartTls(/*mutual=*/true);
  ASSERT_TRUE(server->status().ok()) << server->status();
  const grpc::Status good = ListRepsOverTls(*server, "ca.crt", "client");
  EXPECT_TRUE(good.ok()) << good.error_message();
  EXPECT_EQ(ListRepsOverTls(*server, "ca.crt", "other-client").error_code(),
            grpc::StatusCode::UNAVAILABLE);
  EXPECT_EQ(ListRepsOverTls(*server, "ca.crt", "").error_code(), grpc::StatusCode::UNAVAILABLE);
}

TEST(LimitsTest, AssignRateLimitPerCallerNamesTheLimit) {
  ServerHarness server(
      {.rules = kRules, .reps_csv = kReps, .configure = [](server::ServerOptions& o) {
         o.assign_rate = {.per_second = 0.01, .burst = 2};
       }});
  ASSERT_TRUE(server.status().ok()) << server.status();
  v1::AssignResponse response;
  const auto assign = [&](const std::string& id) {
    return server.Call([&](grpc::ClientContext* c) {
      return server.assignments().Assign(c, AssignOf(MakeLead(id, "web", 50)), &response);
    });
  };
  EXPECT_TRUE(assign("l1").ok());
  EXPECT_TRUE(assign("l2").ok());
  const grpc::Status third = assign("l3");
  EXPECT_EQ(third.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(third.error_message(), HasSubstr("Assign rate limit"));
  EXPECT_THAT(third.error_message(), HasSubstr("burst 2"));
}

// gRPC gives every call on a connection the connection's one AuthContext; the principal must come
// from each call's own token, or every later call on a connection is judged as its first caller.
TEST(AuthOneConnectionTest, EachCallIsItsOwnTokensPrincipal) {
  TempDir dir;
  ServerHarness server(
      {.rules = kRules, .reps_csv = kReps, .configure = [&dir](server::ServerOptions& o) {
         WriteFile(dir.Child("tokens"), TokenFile());
         o.security.auth_tokens_file = dir.Child("tokens");
         o.assign_rate = {.per_second = 0.01, .burst = 1};
       }});
  ASSERT_TRUE(server.status().ok()) << server.status();
  v1::AssignResponse response;
  // Every call goes over the harness's one channel, so over one connection.
  const auto assign = [&](const std::string& token, const std::string& id) {
    return CallWith(token, [&](grpc::ClientContext* c) {
      return server.assignments().Assign(c, AssignOf(MakeLead(id, "web", 50)), &response);
    });
  };
  EXPECT_TRUE(assign("tok-service", "l1").ok());
  EXPECT_TRUE(assign("tok-admin", "l2").ok()) << "root's first lead is within root's own burst";
  const grpc::Status crm_again = assign("tok-service", "l3");
  EXPECT_EQ(crm_again.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(crm_again.error_message(), HasSubstr("principal crm"));
  const grpc::Status root_again = assign("tok-admin", "l4");
  EXPECT_EQ(root_again.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(root_again.error_message(), HasSubstr("principal root"));
}

TEST(LimitsTest, OversizedMetadataIsRefusedNamingTheOption) {
  ServerHarness server({.rules = kRules, .reps_csv = kReps});
  ASSERT_TRUE(server.status().ok()) << server.status();
  grpc::ClientContext context;
  context.AddMetadata("x-padding", std::string(10000, 'a'));
  v1::ListRepsResponse response;
  const grpc::Status status = server.reps().List(&context, v1::ListRepsRequest(), &response);
  EXPECT_EQ(status.error_code(), grpc::StatusCode::RESOURCE_EXHAUSTED);
  EXPECT_THAT(status.error_message(), HasSubstr("over --max-metadata-bytes 8192"));
}

TEST(LimitsTest, DeadlinesAreCappedByTheServer) {
  ServerHarness server(
      {.rules = kRules, .reps_csv = kReps, .configure = [](server::ServerOptions& o) {
         o.max_deadline = absl::ZeroDuration();
       }});
  ASSERT_TRUE(server.status().ok()) << server.status();
  v1::ListRepsResponse response;
  const grpc::Status status = server.Call([&](grpc::ClientContext* c) {
    return server.reps().List(c, v1::ListRepsRequest(), &response);
  });
  EXPECT_EQ(status.error_code(), grpc::StatusCode::DEADLINE_EXCEEDED);
  EXPECT_THAT(status.error_message(), HasSubstr("deadline cap"));
}

// Wire bytes of a valid AssignRequest whose lead.source is "@@", with those two bytes replaced.
std::string AssignWireWithSource(const std::string& two_bytes) {
  v1::AssignRequest request = AssignOf(MakeLead("l9", "@@", 50));
  std::string wire = request.SerializeAsString();
  wire.replace(wire.find("@@"), 2, two_bytes);
  return wire;
}

TEST(StrictParseTest, InvalidUtf8InARequestIsInvalidArgumentNamingTheField) {
  ServerHarness server({.rules = kRules, .reps_csv = kReps});
  ASSERT_TRUE(server.status().ok()) << server.status();
  auto channel = grpc::CreateChannel(server.address(), grpc::InsecureChannelCredentials());
  for (const std::string& bytes : {std::string("\xFF\xFE"), std::string("\xC0\x80")}) {
    const std::string wire = AssignWireWithSource(bytes);
    grpc::Slice slice(wire);
    grpc::ByteBuffer request(&slice, 1);
    v1::AssignResponse response;
    grpc::ClientContext context;
    const grpc::Status status =
        grpc::internal::BlockingUnaryCall<grpc::ByteBuffer, v1::AssignResponse>(
            channel.get(),
            grpc::internal::RpcMethod("/leadrouter.v1.AssignmentService/Assign",
                                      grpc::internal::RpcMethod::NORMAL_RPC),
            &context, request, &response);
    EXPECT_EQ(status.error_code(), grpc::StatusCode::INVALID_ARGUMENT);
    EXPECT_THAT(status.error_message(), HasSubstr("lead.source: not valid UTF-8"));
  }
}

}  // namespace
}  // namespace leadrouter::testing
