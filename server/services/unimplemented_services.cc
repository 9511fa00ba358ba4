#include "server/services/unimplemented_services.h"

namespace leadrouter::server {

// None today: ReportService, the last one, is served by server/services/report_service.h.
std::vector<std::unique_ptr<grpc::Service>> MakeUnimplementedServices() { return {}; }

}  // namespace leadrouter::server
