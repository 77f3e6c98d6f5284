import type { Strings } from "./en";

const strings: Strings = {
  newChat: "محادثة جديدة", history: "السجل", closeHistory: "العودة إلى المحادثة",
  greeting: "كيف يمكنني مساعدتك اليوم؟", placeholder: "أرسل رسالة إلى الذكاء الاصطناعي",
  send: "إرسال الرسالة", stop: "إيقاف الرد", attach: "إضافة ملفات",
  removeAttachment: "إزالة {name}", tools: "الأدوات", clearTool: "إلغاء تحديد {name}", model: "النموذج",
  mention: "إشارة", dictate: "إملاء", stopDictation: "إيقاف الإملاء", transcribing: "جارٍ التفريغ…",
  copy: "نسخ", copied: "تم النسخ", copyCode: "نسخ الشيفرة", goodResponse: "رد جيد",
  badResponse: "رد سيئ", feedbackThanks: "شكرًا على ملاحظاتك", retry: "إعادة المحاولة",
  errorGeneric: "حدث خطأ ما. يُرجى المحاولة مرة أخرى.", errorNetwork: "انقطع الاتصال.",
  errorUpload: "تعذّر رفع {name}.", fileTooLarge: "{name} كبير جدًا.",
  fileNotAccepted: "{name} ليس نوع ملف مدعومًا.", tooManyFiles: "يمكنك إرفاق {n} ملفات كحد أقصى.",
  sources: "المصادر", thinking: "جارٍ التفكير…", thoughtFor: "فكّر لمدة {n} ث", untitled: "محادثة جديدة",
  rename: "إعادة التسمية", delete: "حذف", confirmDelete: "هل تريد حذف هذه المحادثة؟", cancel: "إلغاء",
  save: "حفظ", noThreads: "لا توجد محادثات بعد", loadMore: "تحميل المزيد", loading: "جارٍ التحميل…",
  threadClosed: "انتهت هذه المحادثة.", threadLocked: "هذه المحادثة مقفلة.",
  showMore: "عرض المزيد", showLess: "عرض أقل", skip: "تخطٍّ", submit: "إرسال",
  select: "اختر…", search: "بحث", clear: "مسح",
  invalidFormat: "يرجى مطابقة التنسيق المطلوب.",
  otherAnswer: "غير ذلك…", generatingImage: "جارٍ إنشاء الصورة…", responding: "المساعد يرد", reconnecting: "جارٍ إعادة الاتصال…",
  responseDone: "اكتمل الرد", dropFiles: "أفلت الملفات لإرفاقها", quoted: "ردًا على",
  clearQuote: "إزالة الاقتباس", noResults: "لا توجد نتائج", actionsMenu: "إجراءات أخرى",
  conversation: "المحادثة", messageFromYou: "قلت",
};

export default strings;
