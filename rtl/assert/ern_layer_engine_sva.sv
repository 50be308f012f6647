// Assertions of the layer engine, bound into every ern_layer_engine (the bind at the end); for
// simulation only (rtl/assert/sources.f). Every host access names a buffer the port serves, a bank
// it has and an entry inside it: the RAMs keep only the address bits they need, so an entry past
// the end would silently land on another one. The sequencer stays in its states, and done is a
// one-cycle pulse.
module ern_layer_engine_sva
  import ern_pkg::*;
#(
  parameter int PePix      = 2,
  parameter int ActDepth   = 512,
  parameter int WgtDepth   = 576,
  parameter int ThrDepth   = 128,
  parameter int StrDepth   = 1024,
  parameter int OutDepth   = 1024,
  parameter int SumDepth   = 128,
  parameter int ImgDepth   = 1024,
  parameter int EmbColours = 3,
  parameter int EngWords   = 8
) (
  input logic        clk_i,
  input logic        rst_ni,
  input logic        wr_en_i,
  input logic [3:0]  wr_buf_i,
  input logic [7:0]  wr_bank_i,
  input logic [23:0] wr_entry_i,
  input logic        rd_en_i,
  input logic [3:0]  rd_buf_i,
  input logic [7:0]  rd_bank_i,
  input logic [23:0] rd_entry_i,
  input logic        done_o,
  input logic [2:0]  state_o
);
  // verilator lint_off SYNCASYNCNET
  // (the RTL resets asynchronously; the assertions sample rst_ni at the clock, as disable iff does)

  localparam int InfoWords = 32;  // capability words a read may address
  localparam int TableEntries = 256;  // embedding table: one entry per pixel value

  // Entries and banks of the buffers the write port fills (0: not a write buffer).
  function automatic int write_entries(logic [3:0] id);
    case (id)
      BufDesc: return EngWords;
      BufAct:  return ActDepth;
      BufWgt:  return WgtDepth;
      BufThr:  return ThrDepth;
      BufRes:  return StrDepth;
      BufImg:  return ImgDepth;
      BufEmb:  return TableEntries;
      default: return 0;
    endcase
  endfunction
  function automatic int write_banks(logic [3:0] id);
    case (id)
      BufAct:  return 2 * PePix;
      BufRes:  return PePix;
      BufEmb:  return EmbColours;
      default: return 1;
    endcase
  endfunction
  // Entries and banks of the buffers the read port drains (0: not a read buffer).
  function automatic int read_entries(logic [3:0] id);
    case (id)
      BufOact: return OutDepth;
      BufOstr: return StrDepth;
      BufSum:  return SumDepth;
      BufInfo: return InfoWords;
      default: return 0;
    endcase
  endfunction
  function automatic int read_banks(logic [3:0] id);
    case (id)
      BufOact, BufOstr: return PePix;
      default:          return 1;
    endcase
  endfunction

  EngWriteInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      wr_en_i |-> 32'(wr_entry_i) < write_entries(wr_buf_i) && 32'(wr_bank_i) < write_banks(wr_buf_i))
    else $error("host write to buffer %0d bank %0d entry %0d: outside the buffer (%0d banks of %0d entries)",
                wr_buf_i, wr_bank_i, wr_entry_i, write_banks(wr_buf_i), write_entries(wr_buf_i));
  EngReadInRange: assert property (@(posedge clk_i) disable iff (!rst_ni)
      rd_en_i |-> 32'(rd_entry_i) < read_entries(rd_buf_i) && 32'(rd_bank_i) < read_banks(rd_buf_i))
    else $error("host read of buffer %0d bank %0d entry %0d: outside the buffer (%0d banks of %0d entries)",
                rd_buf_i, rd_bank_i, rd_entry_i, read_banks(rd_buf_i), read_entries(rd_buf_i));
  EngStateLegal: assert property (@(posedge clk_i) disable iff (!rst_ni)
      state_o == StIdle || state_o == StConv || state_o == StEmbed || state_o == StDrain || state_o == StDone ||
      state_o == StInit)
    else $error("the sequencer is in state %0d, which is none of its states", state_o);
  EngDonePulse: assert property (@(posedge clk_i) disable iff (!rst_ni)
      done_o |=> !done_o)
    else $error("done stayed high for more than one cycle");
endmodule

bind ern_layer_engine ern_layer_engine_sva #(
  .PePix(PePix), .ActDepth(ActDepth), .WgtDepth(WgtDepth), .ThrDepth(ThrDepth), .StrDepth(StrDepth),
  .OutDepth(OutDepth), .SumDepth(SumDepth), .ImgDepth(ImgDepth), .EmbColours(EmbColours), .EngWords(EngWords)
) u_sva (.*);
