import QtQuick

// Field staff: the link, the queue, quarantined applications (retry, export), send now, USB.
Item {
    id: staffScreen
    objectName: "screen_admin_staff"
    readonly property bool portrait: width < height

    Column {
        id: staffCol
        width: staffScreen.portrait ? staffScreen.width : staffScreen.width * 0.42
        spacing: units.mm(3)

        Rectangle {
            objectName: "staffLink"
            width: staffCol.width
            height: linkText.implicitHeight + units.mm(4)
            radius: units.mm(2)
            color: staff.link === "online" ? theme.c.ok
                   : staff.link === "unknown" ? theme.c.surface : theme.c.danger
            Text {
                id: linkText
                anchors.centerIn: parent
                width: parent.width - units.mm(4)
                wrapMode: Text.WordWrap
                color: staff.link === "online" ? theme.c.ok_text
                       : staff.link === "unknown" ? theme.c.text : theme.c.danger_text
                font.pixelSize: units.small_px
                font.bold: true
                text: adminI18n.t.link_label + ": " + staff.link_text
            }
        }
        ALabel {
            objectName: "staffQueue"
            width: staffCol.width
            text: adminI18n.t.queue_label + ": " + (staff.queue.length === 0 ? adminI18n.t.queue_empty
                  : staff.queue.map(function (q) { return q.label + " " + q.count }).join(" · "))
        }
        ALabel {
            objectName: "staffOldest"
            width: staffCol.width
            text: adminI18n.t.oldest_label + ": " + staff.oldest_waiting
        }
        ALabel {
            objectName: "staffLastSuccess"
            width: staffCol.width
            text: adminI18n.t.last_success_label + ": " + staff.last_success
        }
        ALabel {
            objectName: "staffClock"
            width: staffCol.width
            visible: staff.clock_warning.length > 0
            text: staff.clock_warning
        }
        ALabel {
            objectName: "staffSetAside"
            width: staffCol.width
            visible: staff.set_aside.length > 0
            text: staff.set_aside
        }
        AButton {
            objectName: "sendNowButton"
            kind: "ok"
            text: adminI18n.t.send_now
            onClicked: staff.send_now()
        }
        Rectangle {
            objectName: "staffMessage"
            visible: staff.message.length > 0
            width: staffCol.width
            height: staffMsg.implicitHeight + units.mm(4)
            radius: units.mm(2)
            color: staff.ok ? theme.c.surface : theme.c.danger
            Text {
                id: staffMsg
                anchors.centerIn: parent
                width: parent.width - units.mm(4)
                wrapMode: Text.WordWrap
                color: staff.ok ? theme.c.text : theme.c.danger_text
                font.pixelSize: units.small_px * 0.85
                text: staff.message
            }
        }

        Text {
            color: theme.c.text
            font.pixelSize: units.small_px
            font.bold: true
            text: adminI18n.t.usb_title
        }
        Flow {
            width: staffCol.width
            spacing: units.mm(2)
            Repeater {
                model: staff.folders
                AButton {
                    required property string modelData
                    required property int index
                    objectName: "folder_" + index
                    width: Math.min(implicitWidth, staffCol.width)
                    kind: "secondary"
                    selected: staff.folder === modelData
                    text: modelData
                    onClicked: staff.choose_folder(modelData)
                }
            }
            AButton {
                objectName: "refreshFoldersButton"
                kind: "secondary"
                text: adminI18n.t.refresh
                onClicked: staff.refresh_folders()
            }
        }
        ALabel {
            objectName: "usbFolder"
            width: staffCol.width
            text: staff.folder.length > 0 ? adminI18n.t.usb_folder + ": " + staff.folder : adminI18n.t.usb_none
        }
        Flow {
            width: staffCol.width
            spacing: units.mm(2)
            AButton {
                objectName: "exportUsbButton"
                enabledState: staff.folder.length > 0 && !staff.busy
                text: adminI18n.t.usb_export
                onClicked: staff.export_usb()
            }
            Repeater {
                model: staff.ack_files
                AButton {
                    required property string modelData
                    required property int index
                    objectName: "ack_" + index
                    enabledState: !staff.busy
                    kind: "secondary"
                    text: adminI18n.t.usb_import + " " + modelData
                    onClicked: staff.import_ack(modelData)
                }
            }
        }
    }

    Rectangle {
        anchors.left: staffScreen.portrait ? staffScreen.left : staffCol.right
        anchors.leftMargin: staffScreen.portrait ? 0 : units.mm(4)
        anchors.right: parent.right
        anchors.top: staffScreen.portrait ? staffCol.bottom : staffScreen.top
        anchors.topMargin: staffScreen.portrait ? units.mm(4) : 0
        anchors.bottom: parent.bottom
        color: theme.c.surface
        border.color: theme.c.border
        border.width: units.mm(0.3)

        Text {
            id: qTitle
            objectName: "quarantineTitle"
            anchors.top: parent.top
            anchors.left: parent.left
            anchors.margins: units.mm(3)
            color: theme.c.text
            font.pixelSize: units.small_px
            font.bold: true
            text: adminI18n.t.quarantine_title.arg(staff.quarantined.length)
        }
        ListView {
            objectName: "quarantineList"
            anchors.top: qTitle.bottom
            anchors.left: parent.left
            anchors.right: parent.right
            anchors.bottom: parent.bottom
            anchors.margins: units.mm(3)
            spacing: units.mm(2)
            clip: true
            model: staff.quarantined
            delegate: Rectangle {
                required property var modelData
                objectName: "quarantined_" + modelData.code
                width: ListView.view.width
                height: qcol.implicitHeight + units.mm(4)
                radius: units.mm(2)
                color: theme.c.background
                border.color: theme.c.danger
                border.width: units.mm(0.4)
                Column {
                    id: qcol
                    anchors.left: parent.left
                    anchors.right: parent.right
                    anchors.top: parent.top
                    anchors.margins: units.mm(2)
                    spacing: units.mm(1)
                    Text {
                        color: theme.c.text
                        font.pixelSize: units.small_px
                        font.bold: true
                        text: modelData.code + "  (#" + modelData.seq + ")"
                    }
                    Text {
                        width: parent.width
                        wrapMode: Text.WordWrap
                        color: theme.c.muted
                        font.pixelSize: units.small_px * 0.8
                        text: adminI18n.t.reason_label + ": " + modelData.reason
                    }
                    Row {
                        spacing: units.mm(2)
                        AButton {
                            objectName: "retry_" + modelData.code
                            text: adminI18n.t.retry
                            onClicked: staff.retry(modelData.code)
                        }
                        AButton {
                            objectName: "export_" + modelData.code
                            kind: "secondary"
                            enabledState: staff.folder.length > 0 && !staff.busy
                            text: adminI18n.t.export_one
                            onClicked: staff.export_one(modelData.code)
                        }
                    }
                }
            }
        }
    }
}
