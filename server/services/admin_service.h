// AdminService over gRPC: a one-line shim over BackupTaker.
#pragma once

#include "leadrouter/v1/admin.grpc.pb.h"
#include "server/jobs/backup_taker.h"
#include "server/services/rpc_shim.h"

namespace leadrouter::server {

class AdminServiceImpl final : public leadrouter::v1::AdminService::Service {
 public:
  AdminServiceImpl(const CallGate& gate, BackupTaker& backups) : gate_(gate), backups_(backups) {}

  grpc::Status Backup(grpc::ServerContext* context, const leadrouter::v1::BackupRequest* request,
                      leadrouter::v1::BackupResponse* response) override;

 private:
  const CallGate& gate_;
  BackupTaker& backups_;
};

}  // namespace leadrouter::server
