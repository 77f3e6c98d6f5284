// Traditional Chinese as written in Hong Kong: the strings that differ from zh-TW.ts.
import type { Strings } from "./en";

const strings: Partial<Strings> = {
  history: "記錄",
  attach: "加入檔案",
  clearTool: "取消選擇 {name}",
  feedbackThanks: "多謝你的意見",
  confirmDelete: "要刪除此對話嗎？",
  noThreads: "暫時沒有對話",
  select: "選擇…",
  skip: "跳過",
  generatingImage: "正在生成圖片…",
  dropFiles: "將檔案拖放至此即可附加",
  actionsMenu: "更多操作",
};

export default strings;
