#include "server/services/admin_service.h"

namespace leadrouter::server {

namespace v1 = leadrouter::v1;

grpc::Status AdminServiceImpl::Backup(grpc::ServerContext* context,
                                      const v1::BackupRequest* request,
                                      v1::BackupResponse* response) {
  return Serve(gate_, "AdminService.Backup", context, response,
               [&](const CallContext& call) { return backups_.Backup(*request, call); });
}

}  // namespace leadrouter::server
