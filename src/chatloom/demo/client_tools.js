  // Client tools run here, in the page; what they return goes back to the server.
  var clientTools = {
    get_browser_info: function () {
      return {
        userAgent: navigator.userAgent,
        language: navigator.language,
        timeZone: Intl.DateTimeFormat().resolvedOptions().timeZone,
        screen: screen.width + "x" + screen.height + " @" + window.devicePixelRatio + "x",
        cookiesEnabled: navigator.cookieEnabled,
        online: navigator.onLine
      };
    }
  };
  options.onClientTool = function (call) {
    var tool = clientTools[call.name];
    if (!tool) throw new Error("Unknown client tool: " + call.name);
    return tool(call.params || {});
  };
