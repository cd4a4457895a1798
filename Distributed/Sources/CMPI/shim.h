// Open MPI's predefined handles are macros over addresses of globals
// (MPI_COMM_WORLD is `&ompi_mpi_comm_world`), which Swift cannot import:
// these functions hand them over as values.
#include <mpi.h>

static inline MPI_Comm sprig_mpi_comm_world(void) { return MPI_COMM_WORLD; }
static inline MPI_Comm sprig_mpi_comm_null(void) { return MPI_COMM_NULL; }
static inline MPI_Datatype sprig_mpi_float(void) { return MPI_FLOAT; }
static inline MPI_Datatype sprig_mpi_double(void) { return MPI_DOUBLE; }
static inline MPI_Datatype sprig_mpi_uint64(void) { return MPI_UINT64_T; }
static inline MPI_Op sprig_mpi_sum(void) { return MPI_SUM; }
static inline MPI_Info sprig_mpi_info_null(void) { return MPI_INFO_NULL; }
static inline void *sprig_mpi_in_place(void) { return MPI_IN_PLACE; }
