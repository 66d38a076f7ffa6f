import QtQuick
import QtQuick.VirtualKeyboard
import QtQuick.VirtualKeyboard.Settings
import "components"

Window {
    id: win
    objectName: "kioskWindow"
    width: units.mm(panelWidthMm)
    height: units.mm(panelHeightMm)
    visible: true
    color: theme.c.background
    title: i18n.t.app_title

    Component.onCompleted: {
        VirtualKeyboardSettings.locale = "vi_VN"
    }

    Item {
        id: page
        anchors.fill: parent
        anchors.bottomMargin: keyboard.active ? keyboard.height : 0

        TopBar {
            id: topBar
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.right: parent.right
        }

        HelpStrip {
            id: helpStrip
            keyboardUp: keyboard.active
            anchors.top: topBar.bottom
            anchors.left: parent.left
            anchors.right: parent.right
        }

        Loader {
            id: screenLoader
            objectName: "screenLoader"
            anchors.top: helpStrip.bottom
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: units.mm(8)
            source: "screens/" + flow.screen + ".qml"
        }
    }

    CancelDialog { }

    IdleOverlay { }

    InputPanel {
        id: keyboard
        objectName: "keyboard"
        z: 99
        visible: active && flow.text_input
        width: parent.width * 0.7
        anchors.horizontalCenter: parent.horizontalCenter
        anchors.bottom: parent.bottom
    }

    // Any touch anywhere counts as activity for the idle timer.
    TapHandler {
        gesturePolicy: TapHandler.DragThreshold
        grabPermissions: PointerHandler.ApprovesTakeOverByAnything
        onPressedChanged: if (pressed) idle.touched()
    }
}
