// Assertions of the controller, bound into every ern_controller (the bind at the end); for
// simulation only (rtl/assert/sources.f). The DMAs and the engine take a command only when idle:
// one given while they are busy would be lost, and the program would hang.
module ern_controller_sva (
  input logic clk_i,
  input logic rst_ni,
  input logic rd_cmd_o,
  input logic rd_busy_i,
  input logic wr_cmd_o,
  input logic wr_busy_i,
  input logic eng_start_o,
  input logic eng_busy_i
);
  // verilator lint_off SYNCASYNCNET
  // (the RTL resets asynchronously; the assertions sample rst_ni at the clock, as disable iff does)
  CtlReadCmdWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni) rd_cmd_o |-> !rd_busy_i)
    else $error("a read DMA command while the read DMA is busy (it would be lost)");
  CtlWriteCmdWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni) wr_cmd_o |-> !wr_busy_i)
    else $error("a write DMA command while the write DMA is busy (it would be lost)");
  CtlStartWhenIdle: assert property (@(posedge clk_i) disable iff (!rst_ni) eng_start_o |-> !eng_busy_i)
    else $error("an engine start while the engine is busy (it would be lost)");
endmodule

bind ern_controller ern_controller_sva u_sva (.*);
